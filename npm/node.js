'use strict';
// Node-only helpers: turn a directory (or a contract file) into a Bundle.
// The wasm core never touches the file system; this is where reading happens.

const fs = require('node:fs');
const path = require('node:path');

const MiB = 1024 * 1024;
const MAX_FILE_BYTES = 10 * MiB;
const MAX_BUNDLE_BYTES = 50 * MiB;
// Never part of a bundle: version-control metadata and installed packages.
const SKIPPED_NAMES = new Set(['.git', 'node_modules']);
const CONTRACT_FILE = 'pacto.yaml';

class BundleError extends Error {
  /**
   * @param {string} code one of BundleError.codes
   * @param {string} message
   * @param {string} filePath the path the problem is about
   * @param {unknown} [cause]
   */
  constructor(code, message, filePath, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'BundleError';
    this.code = code;
    this.path = filePath;
  }
}

BundleError.codes = Object.freeze({
  ENOENT_BUNDLE: 'ENOENT_BUNDLE',
  NOT_A_BUNDLE: 'NOT_A_BUNDLE',
  NO_CONTRACT: 'NO_CONTRACT',
  TOO_LARGE: 'TOO_LARGE',
  UNREADABLE: 'UNREADABLE',
});

function unreadable(filePath, error) {
  const reason = error && error.code === 'EACCES' ? 'permission denied' : String(error && error.message);
  return new BundleError('UNREADABLE', `cannot read ${filePath}: ${reason}`, filePath, error);
}

function formatSize(bytes) {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}

/**
 * Finds the bundle behind a path: a bundle directory, or a contract file whose
 * directory is the bundle root.
 * @param {string} target
 * @returns {{ root: string, contractPath: string }}
 */
function locateBundle(target) {
  if (typeof target !== 'string') {
    throw new TypeError(`bundle path must be a string, got ${target === null ? 'null' : typeof target}`);
  }
  let stats;
  try {
    stats = fs.statSync(target);
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') {
      const shown = target === '' ? '""' : target;
      throw new BundleError('ENOENT_BUNDLE', `${shown}: no such file or directory`, target, error);
    }
    throw unreadable(target, error);
  }
  if (stats.isFile()) {
    return { root: path.dirname(target), contractPath: target };
  }
  if (!stats.isDirectory()) {
    throw new BundleError('NOT_A_BUNDLE', `${target} is neither a directory nor a regular file`, target);
  }
  const contractPath = path.join(target, CONTRACT_FILE);
  let contractStats;
  try {
    contractStats = fs.statSync(contractPath);
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'ELOOP') {
      throw new BundleError('NO_CONTRACT', `no ${CONTRACT_FILE} found in ${target}`, target, error);
    }
    throw unreadable(contractPath, error);
  }
  if (!contractStats.isFile()) {
    throw new BundleError('NO_CONTRACT', `${contractPath} is not a regular file`, contractPath);
  }
  return { root: target, contractPath };
}

// Own, enumerable property even for names such as `__proto__`.
function setEntry(bundle, key, value) {
  Object.defineProperty(bundle, key, { value, enumerable: true, writable: true, configurable: true });
}

class BundleReader {
  constructor() {
    this.total = 0;
    this.bundle = {};
  }

  checkSize(filePath, size) {
    if (size > MAX_FILE_BYTES) {
      throw new BundleError(
        'TOO_LARGE',
        `${filePath} is too large (${formatSize(size)}; the limit is ${formatSize(MAX_FILE_BYTES)} per file)`,
        filePath,
      );
    }
    if (this.total + size > MAX_BUNDLE_BYTES) {
      throw new BundleError(
        'TOO_LARGE',
        `bundle is too large: more than ${formatSize(MAX_BUNDLE_BYTES)} in total (reached at ${filePath})`,
        filePath,
      );
    }
  }

  readFile(filePath, size) {
    this.checkSize(filePath, size);
    let data;
    try {
      data = fs.readFileSync(filePath);
    } catch (error) {
      throw unreadable(filePath, error);
    }
    // The file may have changed since it was stat'ed: the limits hold for what was read.
    if (data.byteLength !== size) this.checkSize(filePath, data.byteLength);
    this.total += data.byteLength;
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }

  // `ancestors` holds the real paths of the directories being walked, so that a
  // symlink pointing back up the tree is listed but not descended into again.
  walk(dir, prefix, ancestors) {
    let names;
    try {
      names = fs.readdirSync(dir).sort();
    } catch (error) {
      throw unreadable(dir, error);
    }
    for (const name of names) {
      if (SKIPPED_NAMES.has(name)) continue;
      const full = path.join(dir, name);
      const key = prefix + name;
      let stats;
      try {
        stats = fs.statSync(full); // follows symlinks, like the existence checks of validate
      } catch (error) {
        // A dangling or self-referencing symlink points at nothing: leave it out.
        if (error.code === 'ENOENT' || error.code === 'ELOOP' || error.code === 'ENOTDIR') continue;
        throw unreadable(full, error);
      }
      if (stats.isDirectory()) {
        setEntry(this.bundle, `${key}/`, '');
        let real;
        try {
          real = fs.realpathSync(full);
        } catch (error) {
          throw unreadable(full, error);
        }
        if (ancestors.has(real)) continue;
        ancestors.add(real);
        this.walk(full, `${key}/`, ancestors);
        ancestors.delete(real);
      } else if (stats.isFile()) {
        setEntry(this.bundle, key, this.readFile(full, stats.size));
      }
      // Sockets, FIFOs and devices are not bundle content (reading a FIFO would block).
    }
  }
}

/**
 * Reads a bundle from disk.
 * @param {string} target a bundle directory, or a contract file (its directory is the root)
 * @returns {Record<string, string | Uint8Array>}
 */
function loadBundle(target) {
  const { root, contractPath } = locateBundle(target);
  const reader = new BundleReader();
  let rootReal;
  try {
    rootReal = fs.realpathSync(root);
  } catch (error) {
    throw unreadable(root, error);
  }
  reader.walk(root, '', new Set([rootReal]));
  if (path.basename(contractPath) !== CONTRACT_FILE || !Object.hasOwn(reader.bundle, CONTRACT_FILE)) {
    // The contract was named explicitly: its content is the bundle's pacto.yaml.
    const previous = reader.bundle[CONTRACT_FILE];
    if (previous instanceof Uint8Array) reader.total -= previous.byteLength;
    let size;
    try {
      size = fs.statSync(contractPath).size;
    } catch (error) {
      throw unreadable(contractPath, error);
    }
    setEntry(reader.bundle, CONTRACT_FILE, reader.readFile(contractPath, size));
  }
  return reader.bundle;
}

module.exports = {
  loadBundle,
  locateBundle,
  BundleError,
  MAX_FILE_BYTES,
  MAX_BUNDLE_BYTES,
};
