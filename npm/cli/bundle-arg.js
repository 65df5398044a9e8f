'use strict';
// The bundle argument shared by validate, explain, diff and pack:
//   - a bundle directory or a contract file (`file://` is accepted and removed);
//   - a bundle archive (`.tar.gz`, `.tgz`), read through the wasm `unpack`;
//   - a registry reference: `oci://host/repo[:tag|@digest]`, or, when no such
//     path exists, `host/repo[:tag]` whose first segment names a host
//     (`ghcr.io/acme/svc:1.0.0`, `localhost:5000/svc`). It is pulled through
//     the blob cache.
// Local inputs are read synchronously; a registry reference gives a Promise.

const fs = require('node:fs');
const path = require('node:path');
const { loadBundle, locateBundle, BundleError, MAX_BUNDLE_BYTES } = require('../node.js');
const { CliError } = require('./errors.js');
const { parseRegistryArg, pullBundle } = require('./registry.js');
const { printable } = require('./printable.js');

const ARCHIVE = /\.(tar\.gz|tgz)$/i;

/**
 * A bundle directory or contract file.
 * @param {string | undefined} arg the path as typed, if any
 * @returns {{ target: string, contractFile: string, root: string, bundle: Record<string, string | Uint8Array> }}
 *   target: the argument as typed (`.` when none); contractFile: the pacto.yaml
 *   path the user would open, used in diagnostic locations; root: the bundle directory.
 */
function readBundleArg(arg) {
  const target = arg === undefined ? '.' : arg;
  const local = target.startsWith('file://') ? target.slice('file://'.length) : target;
  try {
    const { root, contractPath } = locateBundle(local);
    return { target, contractFile: path.normalize(contractPath), root, bundle: loadBundle(local) };
  } catch (error) {
    if (error instanceof BundleError) throw new CliError(error.message, { cause: error });
    throw error;
  }
}

// The wasm `unpack` (bundle archive -> Bundle), from the package API or, for a
// package entry that predates it, from the raw wasm module.
function findUnpack(api) {
  if (typeof api.unpack === 'function') return api.unpack;
  try {
    const raw = require('../dist/node/pacto_wasm.js');
    return typeof raw.unpack === 'function' ? raw.unpack : undefined;
  } catch {
    return undefined;
  }
}

function exists(p) {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
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
 * A bundle archive on disk, through `unpack`.
 * @returns {Record<string, string | Uint8Array>}
 */
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
  try {
    return unpack(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new CliError(`${arg}: ${error && error.message ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * Where a bundle argument points, without reading it.
 * @returns {{ kind: 'registry', target: object } | { kind: 'archive', local: string } | { kind: 'local' }}
 */
function classify(arg) {
  if (arg.startsWith('oci://')) return { kind: 'registry', target: parseRegistryArg(arg) };
  const local = arg.startsWith('file://') ? arg.slice('file://'.length) : arg;
  if (ARCHIVE.test(local) && isRegularFile(local)) return { kind: 'archive', local };
  if (!arg.startsWith('file://') && !exists(local)) {
    const target = parseRegistryArg(arg, { implicit: true });
    if (target) return { kind: 'registry', target, implicit: true };
  }
  return { kind: 'local' };
}

/**
 * @typedef {object} LoadedBundle
 * @property {string} target the argument as typed (`.` when none)
 * @property {'local' | 'archive' | 'registry'} kind
 * @property {Record<string, string | Uint8Array>} bundle
 * @property {string} contractFile how to show pacto.yaml in diagnostics
 * @property {(file: string) => string} display how to show a bundle file in messages
 * @property {(file: string) => string | undefined} onDisk the file on disk, if any
 * @property {string} [reference] registry: the resolved reference
 * @property {string} [dir] local: the bundle directory; archive: the archive's
 *   directory (where the bundle's relative local dependencies are looked up)
 */

/**
 * Reads any bundle argument.
 * @param {object} ctx the command context
 * @param {string | undefined} arg
 * @returns {LoadedBundle | Promise<LoadedBundle>} a Promise only for registry references
 */
function loadBundleArg(ctx, arg) {
  const target = arg === undefined ? '.' : arg;
  const where = classify(target);
  if (where.kind === 'registry') {
    return pullBundle(ctx, where.target).then(
      (pulled) => ({
        target,
        kind: 'registry',
        bundle: pulled.bundle,
        reference: pulled.reference,
        contractFile: `${target}!/pacto.yaml`,
        // Names from a pulled archive: shown through printable.
        display: (file) => `${target}!/${printable(file, 300)}`,
        onDisk: () => undefined,
      }),
      (error) => {
        // `foo.io/bar` that is neither a path nor a reachable registry: say both.
        if (where.implicit && error instanceof CliError) {
          error.message = `${target}: no such file or directory, and as a registry reference: ${error.message}`;
        }
        throw error;
      },
    );
  }
  if (where.kind === 'archive') {
    const bundle = readArchive(target, where.local, ctx.api());
    return {
      target,
      kind: 'archive',
      bundle,
      contractFile: `${where.local}!/pacto.yaml`,
      display: (file) => `${where.local}!/${printable(file, 300)}`,
      onDisk: () => undefined,
      dir: path.dirname(where.local),
    };
  }
  const { contractFile, bundle } = readBundleArg(target);
  const root = path.dirname(contractFile);
  const onDisk = (file) => (file === 'pacto.yaml' ? contractFile : path.join(root, ...file.split('/')));
  return { target, kind: 'local', bundle, contractFile, display: onDisk, onDisk, dir: root };
}

/**
 * Calls fn with the loaded bundle: synchronously for local inputs, after the
 * pull for registry references (then the result is a Promise).
 * @template T
 * @param {object} ctx
 * @param {string | undefined} arg
 * @param {(loaded: LoadedBundle) => T} fn
 * @param {(diagnostics: object[], loaded: { target: string, contractFile: string }) => T} [onUnparseable]
 *   a pulled bundle whose pacto.yaml does not parse (the registry client refuses
 *   it): its PARSE_ERROR diagnostics, reported like those of a local bundle
 * @returns {T | Promise<T>}
 */
function withBundle(ctx, arg, fn, onUnparseable) {
  const loaded = loadBundleArg(ctx, arg);
  if (typeof loaded.then !== 'function') return fn(loaded);
  return loaded.then(fn, (error) => {
    const cause = error && error.cause;
    const diagnostics = cause && cause.code === 'NO_CONTRACT' && Array.isArray(cause.diagnostics) ? cause.diagnostics : [];
    if (!onUnparseable || diagnostics.length === 0) throw error;
    const target = arg === undefined ? '.' : arg;
    return onUnparseable(diagnostics, { target, contractFile: `${target}!/pacto.yaml` });
  });
}

/**
 * The service name and version of a bundle's contract (parsed, not validated).
 * @returns {{ name: string, version: string }}
 * @throws {CliError} when pacto.yaml is missing or cannot be parsed
 */
function identityOf(api, bundle, shownAs) {
  let summary;
  try {
    summary = JSON.parse(api.explain(bundle, 'json'));
  } catch (error) {
    const diagnostics = error && Array.isArray(error.diagnostics) ? error.diagnostics : [];
    const detail = diagnostics.length > 0 ? diagnostics.map((d) => d.message).join('; ') : error && error.message;
    throw new CliError(`${shownAs}: pacto.yaml cannot be parsed: ${detail}`, { cause: error });
  }
  return { name: String(summary.name), version: String(summary.version) };
}

module.exports = { identityOf, readBundleArg, loadBundleArg, withBundle };
