'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { identityOf } = require('../bundle-arg.js');
const { parseRegistryArg, pullBundle, PLAIN_HTTP_FLAG, NO_CACHE_FLAG, OCI_SCHEME } = require('../registry.js');
const { CliError, UsageError, EXIT_OK } = require('../errors.js');
const { printable } = require('../printable.js');

const withoutScheme = (ref) => (ref.startsWith(OCI_SCHEME) ? ref.slice(OCI_SCHEME.length) : ref);
// A service name is used as the default directory only if it is one plain path segment.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A bundle key as a relative path, or undefined for one that could leave the
 * directory. The wasm unpack already refuses such names; this is the second lock.
 */
function safeSegments(key) {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key;
  if (trimmed === '' || trimmed.startsWith('/') || /[\\\0]/.test(trimmed) || /^[A-Za-z]:/.test(trimmed)) return undefined;
  const segments = trimmed.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  return segments;
}

function lstatOrUndefined(p) {
  try {
    return fs.lstatSync(p);
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes every file of the bundle under dir (which exists and is empty). */
function writeTree(dir, bundle) {
  for (const key of Object.keys(bundle).sort()) {
    const segments = safeSegments(key);
    if (!segments) throw new CliError(`refused: the bundle has an unsafe path "${printable(key, 200)}"; nothing was written`);
    const target = path.join(dir, ...segments);
    if (key.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true, mode: 0o755 });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    const value = bundle[key];
    fs.writeFileSync(target, typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength), {
      mode: 0o644,
      flag: 'wx',
    });
  }
}

/**
 * Puts the bundle at dest in one step: it is written into a temporary
 * directory next to dest, which is then renamed into place. A failure leaves
 * nothing behind. dest may be missing or an empty directory; a non-empty one
 * is replaced only with force (the old content is removed after the rename).
 */
function writeBundleDir(dest, bundle, { force }) {
  const abs = path.resolve(dest);
  const existing = lstatOrUndefined(abs);
  if (existing) {
    if (!existing.isDirectory()) throw new CliError(`${dest} exists and is not a directory: choose another one with -o`);
    if (fs.readdirSync(abs).length > 0 && !force) {
      throw new CliError(`${dest} already exists and is not empty: choose another directory with -o, or add --force to replace it`);
    }
  }
  const parent = path.dirname(abs);
  const createdParent = fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
  const temp = fs.mkdtempSync(path.join(parent, `.${path.basename(abs)}.pacto-pull-`));
  let old;
  try {
    writeTree(temp, bundle);
    fs.chmodSync(temp, 0o755);
    if (existing && fs.readdirSync(abs).length > 0) {
      old = path.join(parent, `.${path.basename(abs)}.pacto-old-${crypto.randomBytes(4).toString('hex')}`);
      fs.renameSync(abs, old);
      try {
        fs.renameSync(temp, abs);
      } catch (error) {
        fs.renameSync(old, abs);
        old = undefined;
        throw error;
      }
    } else {
      try {
        fs.renameSync(temp, abs); // POSIX: replaces an empty directory
      } catch (error) {
        if (!existing) throw error;
        fs.rmdirSync(abs); // elsewhere: remove the empty directory first
        fs.renameSync(temp, abs);
      }
    }
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    if (createdParent !== undefined) fs.rmSync(createdParent, { recursive: true, force: true });
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot write ${dest}: ${writeFailure(error)}`, { cause: error });
  }
  if (old) fs.rmSync(old, { recursive: true, force: true });
}

/**
 * Why writing failed, without the temporary directory's path (Node's messages
 * name the full path, which may be long and holds the bundle's own names).
 */
function writeFailure(error) {
  switch (error && error.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENAMETOOLONG':
      return 'a path in the bundle is too long for this file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EEXIST':
      return 'the bundle names a file twice';
    default:
      return error && error.code ? error.code : printable(error && error.message, 200);
  }
}

module.exports = {
  name: 'pull',
  summary: 'Download a bundle from an OCI registry',
  usage: 'pacto pull <oci://ref> [-o dir]',
  args: { min: 1, max: 1 },
  flags: [
    { name: 'output', short: 'o', type: 'string', valueName: 'DIR', description: 'where to write the bundle (default: the service name)' },
    { name: 'force', short: 'f', type: 'boolean', description: 'replace the output directory if it is not empty' },
    NO_CACHE_FLAG,
    PLAIN_HTTP_FLAG,
  ],
  description: `Downloads the bundle behind <oci://ref> and writes its files into a
directory: -o, else one named after the contract's service name in the
current directory. A reference without a tag resolves to the highest semver
tag (pre-releases included); @sha256:... pins a manifest.

The manifest and the bundle archive are checked against their digests, and
an archive with absolute paths, ".." elements, links, devices or files over
10 MiB (50 MiB in total) is refused. The bundle is written into a temporary
directory next to the output and renamed into place: on any failure nothing
is left behind. The output directory may be missing or empty; one that is
not empty is only replaced with --force (then exactly the pulled files are
in it afterwards).

Tags are always resolved against the registry; the bundle archive itself is
taken from the blob cache when its digest is there
($XDG_CACHE_HOME/pacto/blobs, else ~/.cache/pacto/blobs; --no-cache or
PACTO_NO_CACHE=1 turns it off). Credentials as for pacto push.

Output (stdout):
  text  "Pulled <name>@<version> -> <dir>/"
  json  {"reference", "output", "name", "version", "digest"}; digest is the
        manifest digest

Exit status: 0 pulled, 2 usage, I/O or registry error (not found,
authentication failed, unreachable, digest mismatch, refused archive,
output directory not empty).`,

  run(ctx) {
    const arg = ctx.args[0];
    const target = parseRegistryArg(arg, { implicit: true });
    if (!target) throw new UsageError(`pull requires an OCI reference (oci://...): got "${arg}"`, 'pull');
    if (ctx.flags.output === '') throw new UsageError('--output must not be empty', 'pull');
    return pullBundle(ctx, target).then((pulled) => {
      const reference = withoutScheme(pulled.reference);
      const { name, version } = identityOf(ctx.api(), pulled.bundle, reference);
      let output = ctx.flags.output;
      if (output === undefined) {
        if (!SAFE_NAME.test(name)) {
          throw new CliError(`${reference}: the service name "${name}" is not a safe directory name: give one with -o`);
        }
        output = name;
      }
      writeBundleDir(output, pulled.bundle, { force: Boolean(ctx.flags.force) });
      const shown = output.replace(/[\\/]+$/, '') || output;
      if (ctx.format === 'json') {
        ctx.out(`${JSON.stringify({ reference, output: shown, name, version, digest: pulled.manifestDigest }, null, 2)}\n`);
      } else {
        ctx.out(`Pulled ${printable(name, 200)}@${printable(version, 100)} -> ${shown}/\n`);
      }
      return EXIT_OK;
    });
  },

  writeBundleDir,
};
