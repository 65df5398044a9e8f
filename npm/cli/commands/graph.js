'use strict';

const { sourceFor, rootParseFailure } = require('../source.js');
const { PLAIN_HTTP_FLAG, NO_CACHE_FLAG } = require('../registry.js');
const { FORMATS } = require('../report.js');
const { EXIT_OK } = require('../errors.js');

/** What `--output-format json` prints: the graph itself, without the renderings. */
function graphJson(result) {
  return { root: result.root, cycles: result.cycles, conflicts: result.conflicts, warnings: result.warnings };
}

/**
 * JSON.stringify(value, null, 2) for plain JSON data of any depth: V8's
 * JSON.stringify recurses and throws a RangeError on a chain of about 2,000
 * dependencies, so a deep graph is written with an explicit stack instead.
 */
function stringifyPretty(value) {
  try {
    return JSON.stringify(value, null, 2);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  const parts = [];
  const pad = (depth) => '\n' + '  '.repeat(depth);
  // Frames: [entries, next index, depth, isArray].
  const open = (v, depth, stack) => {
    if (v === null || typeof v !== 'object') {
      parts.push(JSON.stringify(v));
      return;
    }
    const isArray = Array.isArray(v);
    const entries = isArray ? v.map((x) => [undefined, x]) : Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) {
      parts.push(isArray ? '[]' : '{}');
      return;
    }
    parts.push(isArray ? '[' : '{');
    stack.push([entries, 0, depth + 1, isArray]);
  };
  const stack = [];
  open(value, 0, stack);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const [entries, next, depth, isArray] = frame;
    if (next === entries.length) {
      stack.pop();
      parts.push(pad(depth - 1), isArray ? ']' : '}');
      continue;
    }
    frame[1] = next + 1;
    const [key, child] = entries[next];
    parts.push(next > 0 ? ',' : '', pad(depth));
    if (!isArray) parts.push(`${JSON.stringify(key)}: `);
    open(child, depth, stack);
  }
  return parts.join('');
}

function withNewline(text) {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** The output of one format; github annotations have nothing to point at, so it is the tree. */
function render(result, format) {
  switch (format) {
    case 'json':
      return `${stringifyPretty(graphJson(result))}\n`;
    case 'markdown':
      return `\`\`\`mermaid\n${withNewline(result.mermaid)}\`\`\`\n`;
    case 'dot':
      return withNewline(result.dot);
    case 'svg':
      return withNewline(result.svg);
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
  formats: [...FORMATS, 'dot', 'svg'],
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
  svg       the graph drawn as an SVG document (no Graphviz needed):
            optional edges dashed, failed dependencies and cycles in red,
            version conflicts in amber, shared services marked; above 60
            services a plain layered drawing, above 2,000 a summary
  github    the text tree

Exit status: 0 whenever the root loads: dependency errors, cycles and
conflicts are part of the output, never a failure; 2 when the root cannot be
loaded or parsed (the reason on stderr), usage, I/O or registry error.`,

  async run(ctx) {
    const { loaded, source } = await sourceFor(ctx, ctx.args[0]);
    let result;
    try {
      result = await ctx.api().graph(loaded.bundle, source, { svg: ctx.format === 'svg' });
    } catch (error) {
      throw rootParseFailure(loaded, error);
    }
    ctx.out(render(result, ctx.format));
    return EXIT_OK;
  },

  graphJson,
  stringifyPretty,
};
