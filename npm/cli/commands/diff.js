'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { readBundleArg } = require('../bundle-arg.js');
const { renderDiff } = require('../diff-report.js');
const { escapeGithubData, escapeGithubProperty } = require('../report.js');
const { CliError, EXIT_OK, EXIT_FINDINGS, EXIT_ERROR } = require('../errors.js');
const { MAX_BUNDLE_BYTES } = require('../../node.js');

const ARCHIVE = /\.(tar\.gz|tgz)$/i;

// The wasm `unpack` (bundle archive -> Bundle), from the package API or, while
// the package does not export it yet, from the raw wasm module.
function findUnpack(api) {
  if (typeof api.unpack === 'function') return api.unpack;
  try {
    const raw = require('../../dist/node/pacto_wasm.js');
    return typeof raw.unpack === 'function' ? raw.unpack : undefined;
  } catch {
    return undefined;
  }
}

function isRegularFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * One side of the comparison, read into a Bundle.
 * @returns {{ arg: string, bundle: object, display: (file: string) => string, onDisk: (file: string) => string | undefined }}
 *   display: how to show a bundle file in messages; onDisk: its path relative
 *   to the working directory as the user typed the side, when it is a file on disk.
 */
function readSide(arg, api) {
  if (arg.startsWith('oci://')) {
    throw new CliError(`${arg}: registry references (oci://) are not supported yet`);
  }
  const local = arg.startsWith('file://') ? arg.slice('file://'.length) : arg;
  if (ARCHIVE.test(local) && isRegularFile(local)) {
    return readArchive(arg, local, api);
  }
  const { contractFile, bundle } = readBundleArg(arg);
  const root = path.dirname(contractFile);
  const onDisk = (file) => (file === 'pacto.yaml' ? contractFile : path.join(root, ...file.split('/')));
  return { arg, bundle, display: onDisk, onDisk };
}

function readArchive(arg, local, api) {
  const unpack = findUnpack(api);
  if (unpack === undefined) {
    throw new CliError(`${arg}: reading .tar.gz bundles needs unpack() (not built)`);
  }
  let bytes;
  try {
    const size = fs.statSync(local).size;
    if (size > MAX_BUNDLE_BYTES) {
      throw new CliError(`${arg} is too large (the limit is ${MAX_BUNDLE_BYTES / (1024 * 1024)} MiB)`);
    }
    bytes = fs.readFileSync(local);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read ${arg}: ${error.code === 'EACCES' ? 'permission denied' : error.message}`, {
      cause: error,
    });
  }
  let bundle;
  try {
    bundle = unpack(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new CliError(`${arg}: ${error && error.message ? error.message : String(error)}`, { cause: error });
  }
  return { arg, bundle, display: (file) => `${local}!/${file}`, onDisk: () => undefined };
}

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
  flags: [],
  description: `Compares two versions of a contract and classifies every change as
NON_BREAKING, POTENTIAL_BREAKING or BREAKING, with the Go tool's rules:
service identity, scaling, runtime, dependencies, interfaces (and the OpenAPI
documents they reference), configuration (and its JSON schema) and, for
information only, the SBOM in sbom/. The overall classification is the
highest of the changes; NON_BREAKING when nothing changed. The contracts are
parsed, not validated.

<old> and <new> are each a bundle directory, its contract file
(my-service/pacto.yaml) or a bundle archive (.tar.gz); file:// is accepted.

Output (stdout):
  text      "Classification: <C>", then "No changes detected." or
            "Changes (<n>):" with one line per change,
            "  [<CLASS>] <path> (<type>): <reason> [old -> new]",
            then "SBOM changes (<n>):" and "Warnings (<n>):" when there are any
  json      {"classification", "changes": [Change], "sbom"?, "warnings": [...],
            "oldPath", "newPath"}; Change = {path, type, classification,
            reason, old?, new?, location?: {file, range}}
  markdown  "## Contract Diff" with tables of the changes and SBOM changes,
            for a pull-request comment
  github    one ::error (BREAKING) or ::warning (POTENTIAL_BREAKING) workflow
            command per change, at its place in the new bundle, then the
            classification line

A referenced file (OpenAPI document, configuration schema, SBOM) that cannot
be read or parsed is reported as a warning: its part of the diff is missing.

Exit status: 0 no breaking change, 1 breaking changes (after the report),
2 usage or I/O error, or a side that cannot be loaded or parsed (the side
is named on stderr: "old contract: ..." or "new contract: ...").`,

  run(ctx) {
    const api = ctx.api();
    const sides = {};
    let failed = false;
    for (const [name, arg] of [
      ['old', ctx.args[0]],
      ['new', ctx.args[1]],
    ]) {
      try {
        sides[name] = readSide(arg, api);
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        ctx.err(`pacto: ${name} contract: ${error.message}\n`);
        failed = true;
      }
    }
    if (failed) return EXIT_ERROR;

    let result;
    try {
      result = api.diff(sides.old.bundle, sides.new.bundle);
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
  },
};
