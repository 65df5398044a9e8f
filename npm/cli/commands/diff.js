'use strict';

const { loadBundleArg } = require('../bundle-arg.js');
const { bundleSource } = require('../source.js');
const { renderDiff } = require('../diff-report.js');
const { escapeGithubData, escapeGithubProperty } = require('../report.js');
const { PLAIN_HTTP_FLAG, NO_CACHE_FLAG } = require('../registry.js');
const { CliError, EXIT_OK, EXIT_FINDINGS, EXIT_ERROR } = require('../errors.js');

function diagnosticLine(where, d) {
  const at = d.range ? `${where}:${d.range.start.line}:${d.range.start.column}` : where;
  const message = String(d.message).replace(/\s*\r?\n\s*/g, ' ');
  return `${at}: ${d.severity} ${d.code} ${d.path === '' ? '(root)' : d.path}: ${message}`;
}

// One side's pacto.yaml cannot be parsed: its diagnostics on stderr (and, for
// github, as annotations on stdout); never anything that looks like a result.
function reportParseFailure(ctx, side, failure) {
  const label = `${failure.side} contract`;
  const contract = side.display('pacto.yaml');
  const diagnostics = Array.isArray(failure.diagnostics) ? failure.diagnostics : [];
  ctx.err(`pacto: ${label}: ${contract} cannot be parsed\n`);
  for (const d of diagnostics) ctx.err(`${label}: ${diagnosticLine(contract, d)}\n`);
  if (diagnostics.length === 0 && failure.message) ctx.err(`${label}: ${failure.message}\n`);
  if (ctx.format === 'github') {
    const file = side.onDisk('pacto.yaml');
    const lines = diagnostics.map((d) => {
      const props = [];
      if (file !== undefined) props.push(`file=${escapeGithubProperty(file)}`);
      if (file !== undefined && d.range) {
        props.push(
          `line=${d.range.start.line}`,
          `col=${d.range.start.column}`,
          `endLine=${d.range.end.line}`,
          `endColumn=${d.range.end.column}`,
        );
      }
      props.push(`title=${escapeGithubProperty(`${label}: ${d.code}`)}`);
      return `::error ${props.join(',')}::${escapeGithubData(`${d.path === '' ? '(root)' : d.path}: ${d.message}`)}\n`;
    });
    ctx.out(lines.join(''));
  }
}

module.exports = {
  name: 'diff',
  summary: 'Compare two contract bundles and classify the changes',
  usage: 'pacto diff <old> <new>',
  args: { min: 2, max: 2 },
  flags: [NO_CACHE_FLAG, PLAIN_HTTP_FLAG],
  description: `Compares two versions of a contract and classifies every change as
NON_BREAKING, POTENTIAL_BREAKING or BREAKING, with the Go tool's rules:
service identity, scaling, runtime, dependencies, interfaces (and the OpenAPI
documents they reference), configuration (and its JSON schema) and, for
information only, the SBOM in sbom/. The overall classification is the
highest of the changes; NON_BREAKING when nothing changed. The contracts are
parsed, not validated.

<old> and <new> are each a bundle directory, its contract file
(my-service/pacto.yaml), a bundle archive (.tar.gz) or a registry reference
(oci://host/repo[:tag], as for validate); file:// is accepted.

Both dependency graphs are resolved too (local directories, oci:// refs
through the registry, like pacto graph): the dependencies present on both
sides are diffed with the same rules, and their classifications count in
the overall one, so a breaking change inside a dependency exits 1. When
<new> is a directory, an oci:// dependency of the new side is first looked
for in a sibling directory named after the repository (oci://reg/org/db:1.0
-> ../db next to <new>), so a change across services of one checkout is
checked before anything is published. A dependency that cannot be loaded is
left out of the comparison (pacto graph shows why).

Output (stdout):
  text      "Classification: <C>", then "No changes detected." or
            "Changes (<n>):" with one line per change,
            "  [<CLASS>] <path> (<type>): <reason> [old -> new]",
            "Dependency <name> [<CLASS>] (<n>):" with its changes,
            "Dependency graph changes:" with the changed part of the tree,
            then "SBOM changes (<n>):" and "Warnings (<n>):" when there are any
  json      {"classification", "changes": [Change], "sbom"?, "warnings": [...],
            "dependencyDiffs": [{name, classification, changes, sbom?,
            warnings}], "graphDiff": {root, changes}, "oldPath", "newPath"};
            Change = {path, type, classification, reason, old?, new?,
            location?: {file, range}}
  markdown  "## Contract Diff" with tables of the changes, of each
            dependency's changes, the graph changes and the SBOM changes,
            for a pull-request comment
  github    one ::error (BREAKING) or ::warning (POTENTIAL_BREAKING) workflow
            command per change, at its place in the new bundle, then the
            classification line

A referenced file (OpenAPI document, configuration schema, SBOM) that cannot
be read or parsed is reported as a warning: its part of the diff is missing.

Exit status: 0 no breaking change, 1 breaking changes (after the report),
2 usage, I/O or registry error, or a side that cannot be loaded or parsed
(the side is named on stderr: "old contract: ..." or "new contract: ...").`,

  run(ctx) {
    const failures = {};
    const load = (side, arg) => {
      const fail = (error) => {
        if (!(error instanceof CliError)) throw error;
        failures[side] = `pacto: ${side} contract: ${error.message}\n${error.hint ? `${error.hint}\n` : ''}`;
        return undefined;
      };
      try {
        const loaded = loadBundleArg(ctx, arg);
        return typeof loaded.then === 'function' ? loaded.catch(fail) : loaded;
      } catch (error) {
        return fail(error);
      }
    };
    const loads = [load('old', ctx.args[0]), load('new', ctx.args[1])];
    const compare = ([oldSide, newSide]) => {
      if (failures.old) ctx.err(failures.old);
      if (failures.new) ctx.err(failures.new);
      if (failures.old || failures.new) return EXIT_ERROR;
      return compareSides(ctx, { old: oldSide, new: newSide });
    };
    // Registry sides are pulled concurrently.
    return Promise.all(loads).then(compare);
  },
};

async function compareSides(ctx, sides) {
  const api = ctx.api();
  let result;
  try {
    result = await api.diffWithDependencies(sides.old.bundle, sides.new.bundle, {
      old: bundleSource(ctx, sides.old),
      new: bundleSource(ctx, sides.new),
      // Sibling directories only make sense next to a bundle directory.
      siblings: sides.new.kind === 'local',
    });
  } catch (error) {
    if (error && (error.side === 'old' || error.side === 'new')) {
      reportParseFailure(ctx, sides[error.side], error);
      // The core stops at the old side: say whether the new one parses too.
      if (error.side === 'old') {
        try {
          api.diff(sides.new.bundle, sides.new.bundle);
        } catch (other) {
          if (other && (other.side === 'old' || other.side === 'new')) {
            reportParseFailure(ctx, sides.new, { ...other, side: 'new', message: other.message });
          }
        }
      }
      return EXIT_ERROR;
    }
    throw error;
  }

  ctx.out(
    renderDiff(result, ctx.format, {
      oldPath: ctx.args[0],
      newPath: ctx.args[1],
      color: ctx.color,
      annotationFile: (side, file) => sides[side].onDisk(file),
    }),
  );
  if (result.classification === 'BREAKING') {
    ctx.err('pacto: breaking changes detected\n');
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}
