'use strict';
// The blob cache handed to the wasm `pull`: content-addressed files under
// `$XDG_CACHE_HOME/pacto/blobs/sha256/<hex>` (else ~/.cache/pacto/...).
// Because entries are named by their digest they never go stale; tags are
// always resolved against the registry, so a re-pushed tag is seen at once.
// The cache is best effort: a missing, unreadable or corrupt entry is a miss
// (and a corrupt one is removed), and a failed write is ignored.

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DIGEST = /^sha256:([0-9a-f]{64})$/;

function cacheRoot(env) {
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'pacto', 'blobs');
}

/** `PACTO_NO_CACHE` as the Go tool parses booleans: 1, t, T, true, TRUE, True. */
function cacheDisabledByEnv(env) {
  return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(env.PACTO_NO_CACHE || '');
}

class BlobCache {
  /** @param {string} root the `blobs` directory */
  constructor(root) {
    this.root = root;
    this.hits = 0;
    this.writes = 0;
  }

  /** The file of a digest, or undefined for anything that is not sha256:<64 hex>. */
  file(digest) {
    const match = DIGEST.exec(String(digest));
    return match ? path.join(this.root, 'sha256', match[1]) : undefined;
  }

  /** @returns {Uint8Array | undefined} */
  get(digest) {
    const file = this.file(digest);
    if (file === undefined) return undefined;
    let bytes;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      return undefined;
    }
    const actual = `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
    if (actual !== digest) {
      fs.rmSync(file, { force: true });
      return undefined;
    }
    this.hits += 1;
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Stores bytes under their digest: a temporary file, then a rename, mode 0644. */
  put(digest, bytes) {
    const file = this.file(digest);
    if (file === undefined) return;
    const actual = `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
    if (actual !== digest) return;
    const temp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
      fs.writeFileSync(temp, bytes, { mode: 0o644, flag: 'wx' });
      fs.chmodSync(temp, 0o644); // whatever the umask
      fs.renameSync(temp, file);
      this.writes += 1;
    } catch {
      try {
        fs.rmSync(temp, { force: true });
      } catch {
        // nothing more to do: the cache is best effort
      }
    }
  }
}

/**
 * The cache for this run, or undefined when disabled (`--no-cache`,
 * PACTO_NO_CACHE=1).
 * @param {{ noCache?: boolean, env: Record<string, string | undefined> }} options
 */
function openCache({ noCache, env }) {
  if (noCache || cacheDisabledByEnv(env)) return undefined;
  return new BlobCache(cacheRoot(env));
}

module.exports = { BlobCache, openCache, cacheRoot, cacheDisabledByEnv };
