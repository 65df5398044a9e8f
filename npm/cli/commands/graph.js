'use strict';

const { sourceFor, rootParseFailure } = require('../source.js');
const { PLAIN_HTTP_FLAG, NO_CACHE_FLAG } = require('../registry.js');
const { FORMATS } = require('../report.js');
const { EXIT_OK } = require('../errors.js');

/** What `--output-format json` prints: the graph itself, without the renderings. */
function graphJson(result) {
  return { root: result.root, cycles: result.cycles, conflicts: result.conflicts, warnings: result.warnings };
}

function withNewline(text) {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** The output of one format; github annotations have nothing to point at, so it is the tree. */
function render(result, format) {
  switch (format) {
    case 'json':
      return `${JSON.stringify(graphJson(result), null, 2)}\n`;
    case 'markdown':
      return `\`\`\`mermaid\n${withNewline(result.mermaid)}\`\`\`\n`;
    case 'dot':
      return withNewline(result.dot);
    default:
      return withNewline(result.tree);
  }
}

module.exports = {
  name: 'graph',
  summary: 'Resolve and show the dependency graph',
  usage: 'pacto graph [path]',
  args: { min: 0, max: 1 },
  flags: [NO_CACHE_FLAG, PLAIN_HTTP_FLAG],
  formats: [...FORMATS, 'dot'],
  description: `Resolves the dependencies of a contract, and theirs, and prints the
graph. [path] is a bundle directory (default: the current directory), its
contract file, a bundle archive (.tar.gz) or a registry reference
(oci://host/repo[:tag]), as for validate. Contracts are parsed, not
validated.

A relative local ref (../db, file://../db) is looked up from the directory of
the bundle that declares it (for a .tar.gz root: the archive's directory;
for a registry root: the current directory). An oci:// ref without a tag
resolves to the highest tag satisfying the dependency's compatibility, and
is pulled through the blob cache with the credentials of its registry (see
pacto pull). A bundle reached twice is shown once with its dependencies, the
first time in breadth-first order, and "(shared)" elsewhere.

Output (stdout):
  text      the tree: "name@version", "[local]" for local refs, "(shared)",
            "(error: ...)" for a dependency that cannot be loaded or parsed
            and for an edge closing a cycle; then the Cycles, Conflicts
            (a service at two or more versions) and Warnings blocks
  json      {"root": Node, "cycles": [[...]], "conflicts": [{name, versions}],
            "warnings": [{from, ref, message}]}; Node = {name, version, ref?,
            local, dependencies: [Edge]}; Edge = {ref, required,
            compatibility, node?, error?, shared, local}
  markdown  a \`\`\`mermaid flowchart block
  dot       Graphviz DOT
  github    the text tree

Exit status: 0 whenever the root loads: dependency errors, cycles and
conflicts are part of the output, never a failure; 2 when the root cannot be
loaded or parsed (the reason on stderr), usage, I/O or registry error.`,

  async run(ctx) {
    const { loaded, source } = await sourceFor(ctx, ctx.args[0]);
    let result;
    try {
      result = await ctx.api().graph(loaded.bundle, source);
    } catch (error) {
      throw rootParseFailure(loaded, error);
    }
    ctx.out(render(result, ctx.format));
    return EXIT_OK;
  },

  graphJson,
};
