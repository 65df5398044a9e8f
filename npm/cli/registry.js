'use strict';
// What the CLI adds around the wasm registry client: which arguments are
// registry references, credentials and transport options per registry host,
// the blob cache and progress, and the mapping of the client's error codes to
// messages and exit statuses. The protocol itself (tags, manifests, blobs,
// digests, auth handshakes) lives in wasm.

const { credentialsFor, environmentCovers } = require('./credentials.js');
const { openCache } = require('./cache.js');
const { createProgress } = require('./progress.js');
const { CliError, EXIT_ERROR, EXIT_FINDINGS } = require('./errors.js');

const OCI_SCHEME = 'oci://';

/** The flags every command that reads from a registry takes. */
const PLAIN_HTTP_FLAG = {
  name: 'plain-http',
  type: 'boolean',
  description: 'talk to the registry over http:// (loopback hosts always do)',
};
const NO_CACHE_FLAG = {
  name: 'no-cache',
  type: 'boolean',
  description: 'do not read or write the blob cache (env PACTO_NO_CACHE=1)',
};

/**
 * The registry host of a location (the reference without `oci://`), as the
 * wasm client (and the Go tool) reads it: the text before the first `/` when
 * it has a `.` or a `:`, else Docker Hub (`localhost/x` is Docker Hub's
 * repository `localhost/x`; a local registry is `localhost:5000/x`).
 */
function registryHost(location) {
  const slash = location.indexOf('/');
  const first = slash === -1 ? '' : location.slice(0, slash);
  if (first.includes('.') || first.includes(':')) return first === 'docker.io' ? 'index.docker.io' : first.toLowerCase();
  return 'index.docker.io';
}

const HOST_PART = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]+)?$/;

/**
 * Whether an argument reads as a registry reference with an explicit registry
 * host (`ghcr.io/acme/svc:1.0.0`, `localhost:5000/x`): the first segment is a
 * host name with a `.` or a port, and a `/` follows it. (A bare `localhost`
 * first segment is not enough: the registry client would read it as a Docker
 * Hub repository.) The caller checks first that no such path exists.
 */
function looksLikeRegistryRef(arg) {
  const slash = arg.indexOf('/');
  if (slash <= 0 || slash === arg.length - 1) return false;
  const first = arg.slice(0, slash);
  const match = HOST_PART.exec(first);
  if (!match) return false;
  return first.includes('.') || match[2] !== undefined;
}

/** localhost, 127.0.0.0/8 and ::1, with or without a port: plain http. */
function isLoopback(host) {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:[0-9]+$/, '');
  return name === 'localhost' || /^127(\.[0-9]{1,3}){3}$/.test(name) || name === '::1';
}

/**
 * Parses a command-line reference.
 * @param {string} arg
 * @param {{ implicit?: boolean }} [options] implicit: accept a bare
 *   `host/repo[:tag]` without `oci://`
 * @returns {{ ref: string, location: string, host: string } | undefined}
 *   ref: with `oci://`, as the wasm client takes it; location: without it
 */
function parseRegistryArg(arg, { implicit = false } = {}) {
  let location;
  if (arg.startsWith(OCI_SCHEME)) location = arg.slice(OCI_SCHEME.length);
  else if (implicit && looksLikeRegistryRef(arg)) location = arg;
  else return undefined;
  return { ref: `${OCI_SCHEME}${location}`, location, host: registryHost(location) };
}

// The registry hosts named on the command line, per command context: the
// environment's credentials go to these (or to PACTO_REGISTRY_HOST's) only.
const commandLineHosts = new WeakMap();

/** The context of the command itself, for one made for its dependencies. */
function commandContext(ctx) {
  return ctx.commandContext || ctx;
}

/** Whether registry calls in this context are made for a contract's dependencies. */
function forDependencies(ctx) {
  return ctx.registryRole === 'dependency';
}

/** The time bounds from the environment: seconds, as the wasm client's milliseconds. */
const TIME_BOUNDS = [
  ['PACTO_REGISTRY_IDLE_TIMEOUT', 'idleTimeoutMs'],
  ['PACTO_REGISTRY_TIMEOUT', 'timeoutMs'],
];

function timeBounds(env) {
  const bounds = {};
  for (const [name, option] of TIME_BOUNDS) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const seconds = /^[0-9]+(\.[0-9]+)?$/.test(value.trim()) ? Number(value) : NaN;
    if (!(seconds > 0 && seconds <= 86400)) {
      throw new CliError(`invalid ${name} "${value}": must be a number of seconds above 0 (at most 86400)`);
    }
    bounds[option] = Math.ceil(seconds * 1000);
  }
  return bounds;
}

/**
 * Options for one wasm registry call, and what is needed to explain its failure.
 * @param {object} ctx the command context (flags, env, stderr)
 * @param {{ ref: string, location: string, host: string }} target
 * @param {{ cache?: boolean }} [options] cache: hand the blob cache to pull
 */
function registryOptions(ctx, target, { cache = false } = {}) {
  const env = ctx.env || {};
  const root = commandContext(ctx);
  if (!commandLineHosts.has(root)) commandLineHosts.set(root, new Set());
  const dependency = forDependencies(ctx);
  if (!dependency) commandLineHosts.get(root).add(target.host);
  const environment = environmentCovers(target.host, env, commandLineHosts.get(root));
  const { credentials, source, warnings, withheld } = credentialsFor(target.host, env, { environment });
  for (const warning of warnings) ctx.err(`pacto: warning: ${warning}\n`);
  const plainHttp = Boolean(ctx.flags['plain-http']) || isLoopback(target.host);
  const progress = createProgress(ctx.stderr, target.location);
  const options = { plainHttp, ...timeBounds(env) };
  if (credentials) options.credentials = credentials;
  if (progress.onProgress) options.onProgress = progress.onProgress;
  let blobCache;
  if (cache) {
    blobCache = openCache({ noCache: Boolean(ctx.flags['no-cache']), env });
    if (blobCache) options.cache = blobCache;
  }
  const secrets = [];
  if (credentials && credentials.token) secrets.push(credentials.token);
  if (credentials && credentials.password) {
    secrets.push(credentials.password, Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'));
  }
  return { options, source, progress, secrets, plainHttp, cache: blobCache, withheld, dependency };
}

/** Removes any secret (and its base64 forms) from a message. */
function redact(text, secrets) {
  let out = String(text);
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 3) continue;
    for (const form of [secret, Buffer.from(secret).toString('base64')]) out = out.split(form).join('***');
  }
  return out;
}

function messageOf(error, secrets) {
  const message = error && error.message ? error.message : String(error);
  return redact(message, secrets);
}

/**
 * A registry failure as the CLI reports it: the client's message (it names
 * the reference and what the registry answered) and, where it helps, what to
 * do next. Exit 1 for findings the user must fix in the contract (invalid,
 * local dependency), 2 for everything else.
 * @param {unknown} error thrown by a wasm registry call
 * @param {{ target: { location: string, host: string }, source: string, secrets: string[], plainHttp: boolean, withheld?: boolean, dependency?: boolean }} context
 *   withheld: the environment has credentials that were not sent to this host
 */
function registryError(error, { target, source, secrets, plainHttp, withheld = false, dependency = false }) {
  const code = error && typeof error.code === 'string' ? error.code : undefined;
  const message = messageOf(error, secrets);
  const { host, location } = target;
  const fail = (text, options = {}) =>
    new CliError(text, { exitCode: options.exitCode ?? EXIT_ERROR, hint: options.hint, cause: error });
  switch (code) {
    case 'AUTH_FAILED': {
      const answer = message.replace(/ \u2014 run `pacto login` or set PACTO_REGISTRY_TOKEN$/, '');
      if (withheld && source === 'anonymous') {
        // The environment has credentials, but they are not for this host.
        const named = dependency ? 'a registry only a contract names' : `not listed in PACTO_REGISTRY_HOST`;
        return fail(
          `authentication failed for ${host}: the PACTO_REGISTRY_* credentials are not sent to ${named}; ` +
            `to give ${host} credentials, run \`pacto login ${host}\` or set PACTO_REGISTRY_HOST=${host}`,
          { hint: `(${answer})` },
        );
      }
      const who = source === 'anonymous' ? `no credentials found for ${host}` : `sent the credentials from ${source}`;
      if (dependency && source === 'anonymous') {
        // A registry only a contract names: the environment's credentials need PACTO_REGISTRY_HOST.
        return fail(
          `authentication failed for ${host}: run \`pacto login ${host}\`, or set PACTO_REGISTRY_HOST=${host} with PACTO_REGISTRY_TOKEN (or PACTO_REGISTRY_USERNAME/PACTO_REGISTRY_PASSWORD)`,
          { hint: `(${who}; ${answer})` },
        );
      }
      return fail(`authentication failed for ${host}: run \`pacto login ${host}\` or set PACTO_REGISTRY_TOKEN`, {
        hint: `(${who}; ${answer})`,
      });
    }
    case 'NETWORK':
      return fail(message, {
        hint: plainHttp ? undefined : `(if ${host} serves plain HTTP, add --plain-http)`,
      });
    case 'DIGEST_MISMATCH':
    case 'TOO_LARGE':
      return fail(message, { hint: '(the content was refused: nothing was used or written)' });
    case 'TIMEOUT':
      return fail(message, {
        hint: '(not retried; for a slow registry raise PACTO_REGISTRY_IDLE_TIMEOUT or PACTO_REGISTRY_TIMEOUT, in seconds)',
      });
    case 'BAD_ARCHIVE':
      return fail(message, { hint: '(the bundle archive was refused: nothing was written)' });
    case 'NOT_FOUND':
      return fail(message.includes(location) || message.includes(host) ? message : `${location}: ${message}`);
    case 'NO_CONTRACT':
      return fail(`${location}: ${message}`);
    case 'LOCAL_DEPENDENCY':
    case 'VALIDATION_FAILED':
      return fail(message, { exitCode: EXIT_FINDINGS });
    default:
      return fail(message);
  }
}

/**
 * Runs one wasm registry call with the options for `target`, mapping failures.
 * @template T
 * @param {object} ctx
 * @param {{ ref: string, location: string, host: string }} target
 * @param {(options: object) => Promise<T>} call
 * @param {{ cache?: boolean }} [options]
 * @returns {Promise<T>}
 */
async function withRegistry(ctx, target, call, { cache = false } = {}) {
  const prepared = registryOptions(ctx, target, { cache });
  try {
    return await call(prepared.options, prepared);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (!error || typeof error.code !== 'string') throw error;
    throw registryError(error, { target, ...prepared });
  } finally {
    prepared.progress.clear();
  }
}

/**
 * Pulls a bundle through the cache.
 * @returns {Promise<{ reference: string, manifestDigest: string, layerDigest: string, bundle: Record<string, Uint8Array> }>}
 */
function pullBundle(ctx, target) {
  const api = ctx.api();
  if (typeof api.pull !== 'function') {
    return Promise.reject(new CliError('this build of pacto-wasm has no registry client (pull is missing): run `make build`'));
  }
  return withRegistry(ctx, target, (options) => api.pull(target.ref, options), { cache: true });
}

module.exports = {
  OCI_SCHEME,
  PLAIN_HTTP_FLAG,
  NO_CACHE_FLAG,
  registryHost,
  looksLikeRegistryRef,
  isLoopback,
  parseRegistryArg,
  registryOptions,
  registryError,
  timeBounds,
  withRegistry,
  pullBundle,
  redact,
};
