'use strict';
// Registry credentials, looked up per registry host; the first source that has
// an answer wins:
//   1. PACTO_REGISTRY_TOKEN                      a bearer token   } only for the registries
//   2. PACTO_REGISTRY_USERNAME + _PASSWORD       Basic credentials} the environment covers
//   3. the pacto config, auths[host].auth        written by `pacto login`
//   4. Docker's config.json, auths[host]         `auth` (base64 user:pass) or username/password
//   5. anonymous
// The environment covers the registries named on the command line, or, when
// PACTO_REGISTRY_HOST is set, only the hosts it lists (comma-separated): never
// a registry that only a contract names, so a dependency added by an untrusted
// change cannot collect a pipeline's password. Per-host entries (3, 4) apply
// to their host only. Docker credential helpers (credsStore, credHelpers) and
// identity tokens are not used. A secret never appears in a message: only
// where it came from does.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** `$XDG_CONFIG_HOME/pacto/config.json`, else `~/.config/pacto/config.json`. */
function pactoConfigPath(env) {
  const base = env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : path.join(homeDir(env), '.config');
  return path.join(base, 'pacto', 'config.json');
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
function dockerConfigPath(env) {
  const base = env.DOCKER_CONFIG ? env.DOCKER_CONFIG : path.join(homeDir(env), '.docker');
  return path.join(base, 'config.json');
}

function homeDir(env) {
  return env.HOME || os.homedir();
}

/**
 * The registry host a key of an `auths` map stands for: Docker writes
 * `https://index.docker.io/v1/` and sometimes `https://ghcr.io`; pacto writes
 * the bare host.
 */
function normalizeHost(key) {
  let host = String(key).trim();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = host.indexOf('/');
  if (slash !== -1) host = host.slice(0, slash);
  host = host.toLowerCase();
  if (host === 'docker.io' || host === 'registry-1.docker.io') return 'index.docker.io';
  return host;
}

function readJson(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return { missing: true };
    return { error: error.code === 'EACCES' ? 'permission denied' : error.message };
  }
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'not a JSON object' };
    return { value };
  } catch (error) {
    return { error: `invalid JSON (${error.message})` };
  }
}

/** username/password from an `auths` entry, or a reason it has none. */
function decodeEntry(entry) {
  if (entry === null || typeof entry !== 'object') return { skip: 'not an object' };
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { skip: '"auth" is not base64 of user:password' };
    return { credentials: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } };
  }
  if (typeof entry.username === 'string' && entry.username !== '' && typeof entry.password === 'string') {
    return { credentials: { username: entry.username, password: entry.password } };
  }
  if (entry.identitytoken) return { skip: 'identity tokens are not supported' };
  return { skip: 'no "auth" or "username"/"password"' };
}

/** The entry for `host` in an `auths` map, matching keys by their host. */
function findEntry(auths, host) {
  if (auths === null || typeof auths !== 'object') return undefined;
  if (Object.hasOwn(auths, host)) return auths[host];
  for (const key of Object.keys(auths)) {
    if (normalizeHost(key) === host) return auths[key];
  }
  return undefined;
}

/** Whether the environment holds registry credentials at all. */
function hasEnvironmentCredentials(env) {
  return Boolean(env.PACTO_REGISTRY_TOKEN || (env.PACTO_REGISTRY_USERNAME && env.PACTO_REGISTRY_PASSWORD));
}

/**
 * Whether the environment's credentials may go to `host`: it is one of
 * PACTO_REGISTRY_HOST's hosts when that is set, else one of the registries
 * named on the command line.
 * @param {string} host
 * @param {Record<string, string | undefined>} env
 * @param {Iterable<string>} commandLineHosts
 */
function environmentCovers(host, env, commandLineHosts) {
  const key = normalizeHost(host);
  const listed = (env.PACTO_REGISTRY_HOST || '').split(',').map((h) => h.trim()).filter(Boolean);
  if (listed.length > 0) return listed.some((h) => normalizeHost(h) === key);
  for (const named of commandLineHosts) if (normalizeHost(named) === key) return true;
  return false;
}

/**
 * Credentials for a registry host.
 * @param {string} host as in the reference: `ghcr.io`, `localhost:5000`
 * @param {Record<string, string | undefined>} env
 * @param {{ environment?: boolean }} [options] environment: whether the
 *   PACTO_REGISTRY_* credentials may be used for this host (see environmentCovers)
 * @returns {{ credentials?: { token: string } | { username: string, password: string }, source: string, warnings: string[], withheld?: boolean }}
 *   source: where they came from, for messages (never the secret itself);
 *   withheld: the environment has credentials that were not used for this host.
 */
function credentialsFor(host, env, { environment = true } = {}) {
  const warnings = [];
  const withheld = !environment && hasEnvironmentCredentials(env);
  if (environment && env.PACTO_REGISTRY_TOKEN) {
    return { credentials: { token: env.PACTO_REGISTRY_TOKEN }, source: 'PACTO_REGISTRY_TOKEN', warnings };
  }
  if (environment && env.PACTO_REGISTRY_USERNAME && env.PACTO_REGISTRY_PASSWORD) {
    return {
      credentials: { username: env.PACTO_REGISTRY_USERNAME, password: env.PACTO_REGISTRY_PASSWORD },
      source: 'PACTO_REGISTRY_USERNAME/PACTO_REGISTRY_PASSWORD',
      warnings,
    };
  }
  const key = normalizeHost(host);
  for (const file of [pactoConfigPath(env), dockerConfigPath(env)]) {
    const read = readJson(file);
    if (read.missing) continue;
    if (read.error) {
      warnings.push(`ignoring ${file}: ${read.error}`);
      continue;
    }
    const entry = findEntry(read.value.auths, key);
    if (entry === undefined) continue;
    const decoded = decodeEntry(entry);
    if (decoded.credentials) return { credentials: decoded.credentials, source: file, warnings, withheld };
    warnings.push(`ignoring the entry for ${key} in ${file}: ${decoded.skip}`);
  }
  return { source: 'anonymous', warnings, withheld };
}

/**
 * Stores Basic credentials for a registry in the pacto config, keeping the
 * other entries. The directory is created 0700 and the file written 0600
 * (through a temporary file and a rename, so a crash never leaves half a file).
 * @returns {string} the config file path
 */
function storeLogin(host, username, password, env) {
  const file = pactoConfigPath(env);
  const read = readJson(file);
  if (read.error) throw new Error(`cannot update ${file}: ${read.error}`);
  const config = read.missing ? {} : read.value;
  const auths = config.auths !== null && typeof config.auths === 'object' && !Array.isArray(config.auths) ? config.auths : {};
  auths[host] = { auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64') };
  config.auths = auths;

  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const temp = path.join(dir, `.config.json.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    fs.chmodSync(temp, 0o600);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  return file;
}

module.exports = {
  credentialsFor,
  environmentCovers,
  hasEnvironmentCredentials,
  storeLogin,
  normalizeHost,
  pactoConfigPath,
  dockerConfigPath,
};
