'use strict';
// The BundleSource of the commands that resolve dependencies (graph, doc, and
// diff): the root argument is loaded like any bundle argument (directory,
// contract file, .tar.gz, oci://), then
//   - local dependencies are read from disk; the wasm core has already joined
//     a relative ref onto the directory of the bundle that declares it, so the
//     path it asks for is relative to the current directory (or absolute);
//     a .tar.gz root's relative refs start at the archive's directory;
//   - oci:// dependencies are resolved (the highest tag within the
//     dependency's compatibility when the ref has no tag) and pulled through
//     the blob cache, with the credentials of each registry host, like pull.
// A dependency that cannot be loaded never fails the command: the message the
// loader throws is shown on its edge.

const fs = require('node:fs');
const { loadBundle, BundleError } = require('../node.js');
const { loadBundleArg } = require('./bundle-arg.js');
const { parseRegistryArg, withRegistry } = require('./registry.js');
const { CliError } = require('./errors.js');

/**
 * The message a local dependency fails with: the Go tool's wording, with the
 * path as the core asked for it.
 */
function localFailure(dir, error) {
  if (error instanceof BundleError) {
    if (error.code === 'ENOENT_BUNDLE') return `failed to access ${dir}: no such file or directory`;
    if (error.code === 'NO_CONTRACT') return `no pacto.yaml found in ${dir}`;
  }
  return error && error.message ? error.message : String(error);
}

/**
 * Reads one local dependency directory.
 * @param {string} dir
 * @returns {Record<string, string | Uint8Array>}
 */
function readLocal(dir) {
  let stats;
  try {
    stats = fs.statSync(dir);
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new Error(`failed to access ${dir}: no such file or directory`);
    throw new Error(`failed to access ${dir}: ${error.code === 'EACCES' ? 'permission denied' : error.message}`);
  }
  if (!stats.isDirectory()) throw new Error(`${dir} is not a directory`);
  try {
    return loadBundle(dir);
  } catch (error) {
    throw new Error(localFailure(dir, error));
  }
}

/**
 * A context for registry calls made on behalf of dependencies: no progress
 * line (loads run concurrently), each warning (e.g. an unreadable
 * credentials file) printed once, not once per dependency, and the
 * environment's credentials only for the registries the command line names.
 */
function dependencyContext(ctx) {
  const said = new Set();
  // Not a spread: that would read every getter of ctx (stdin opens the stream).
  return Object.create(ctx, {
    // The environment's credentials are not for registries that only contracts name.
    registryRole: { value: 'dependency' },
    commandContext: { value: ctx.commandContext || ctx },
    stderr: { value: { isTTY: false, write: (text) => ctx.stderr && ctx.stderr.write(text) } },
    err: {
      value: (text) => {
        if (said.has(text)) return;
        said.add(text);
        ctx.err(text);
      },
    },
  });
}

/**
 * The BundleSource for a root loaded from `loaded` (see bundle-arg.js).
 * @param {object} ctx the command context
 * @param {import('./bundle-arg.js').LoadedBundle} loaded
 * @returns {{ root: string, local: (path: string) => Record<string, string | Uint8Array>, oci: (ref: string, constraint: string) => Promise<Record<string, Uint8Array>> }}
 */
function bundleSource(ctx, loaded) {
  const api = ctx.api();
  const depCtx = dependencyContext(ctx);
  const root = loaded.kind === 'registry' ? `oci://${loaded.reference}` : loaded.dir || '.';
  return {
    root,
    local: readLocal,
    oci: (location, constraint) => {
      const target = parseRegistryArg(`oci://${location}`);
      return withRegistry(
        depCtx,
        target,
        async (options) => {
          const resolved = await api.resolve(target.ref, constraint === '' ? undefined : constraint, options);
          const pulled = await api.pull(`oci://${resolved}`, options);
          return pulled.bundle;
        },
        { cache: true },
      );
    },
  };
}

/**
 * A root whose pacto.yaml does not parse (graph() and doc() reject with its
 * PARSE_ERROR diagnostics): the root cannot be loaded, so nothing goes to
 * stdout; the diagnostics go to stderr, one per line, with their positions.
 * @returns {CliError} exit 2
 */
function rootParseFailure(loaded, error) {
  const diagnostics = error && Array.isArray(error.diagnostics) ? error.diagnostics : [];
  if (diagnostics.length === 0) return new CliError(error && error.message ? error.message : String(error), { cause: error });
  const file = loaded.contractFile;
  const lines = diagnostics.map((d) => {
    const at = d.range ? `${file}:${d.range.start.line}:${d.range.start.column}` : file;
    const message = String(d.message).replace(/\s*\r?\n\s*/g, ' ');
    return `${at}: ${d.severity} ${d.code} ${d.path === '' ? '(root)' : d.path}: ${message}`;
  });
  return new CliError(`${file} cannot be parsed`, { hint: lines.join('\n'), cause: error });
}

/**
 * Loads a root argument and builds the source for its dependencies.
 * @param {object} ctx the command context (flags: plain-http, no-cache)
 * @param {string | undefined} rootArg as typed; `.` when absent
 * @returns {Promise<{ loaded: import('./bundle-arg.js').LoadedBundle, source: ReturnType<typeof bundleSource> }>}
 *   rejects with a CliError (exit 2) when the root cannot be loaded
 */
async function sourceFor(ctx, rootArg) {
  const loaded = await loadBundleArg(ctx, rootArg);
  return { loaded, source: bundleSource(ctx, loaded) };
}

module.exports = { sourceFor, bundleSource, readLocal, rootParseFailure };
