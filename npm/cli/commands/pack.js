'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { readBundleArg, identityOf } = require('../bundle-arg.js');
const { renderReport } = require('../report.js');
const { CliError, EXIT_OK, EXIT_FINDINGS } = require('../errors.js');

/**
 * Validates a bundle about to be published (pack, push). When it is invalid,
 * prints the report on stderr (in github format, the annotations on stdout
 * too) and returns false.
 */
function checkPublishable(ctx, loaded, verb) {
  const result = ctx.api().validate(loaded.bundle);
  if (result.valid) return true;
  const context = { target: loaded.target, contractFile: loaded.contractFile, color: false };
  ctx.err(renderReport(result, 'text', context));
  if (ctx.format === 'github') ctx.out(renderReport(result, 'github', context));
  const n = result.errors.length;
  ctx.err(`pacto: contract validation failed with ${n} error${n === 1 ? '' : 's'}: nothing was ${verb}\n`);
  return false;
}

/** Writes a file through a temporary file in the same directory and a rename. */
function writeFileAtomic(file, bytes, mode) {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(temp, bytes, { mode, flag: 'wx' });
    fs.chmodSync(temp, mode);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/** Drops the output archive from the bundle when it is written inside it. */
function withoutOutput(bundle, root, output) {
  const relative = path.relative(path.resolve(root), path.resolve(output));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return bundle;
  const key = relative.split(path.sep).join('/');
  if (!Object.hasOwn(bundle, key)) return bundle;
  const copy = { ...bundle };
  delete copy[key];
  return copy;
}

module.exports = {
  name: 'pack',
  summary: 'Write a bundle archive (.tar.gz)',
  usage: 'pacto pack [dir] [-o file]',
  args: { min: 0, max: 1 },
  flags: [
    {
      name: 'output',
      short: 'o',
      type: 'string',
      valueName: 'FILE',
      description: 'the archive to write (default <name>-<version>.tar.gz in the current directory)',
    },
  ],
  description: `Validates the bundle in [dir] (default: the current directory) and writes
it as a gzip'ed tar, the same archive that is the layer of a pushed artifact.
The archive is reproducible: the same files give the same bytes (fixed
modes, owners and times, sorted entries). .git and node_modules are left
out, and so is the output file when it is written inside the bundle.

An invalid contract is not packed: its diagnostics are printed on stderr as
by "pacto validate" and the exit status is 1.

Output (stdout):
  text  "Packed <name>@<version> -> <file>"
  json  {"output", "name", "version", "digest"}; digest is the sha256 of
        the archive

Exit status: 0 packed, 1 invalid contract, 2 usage or I/O error.`,

  run(ctx) {
    const loaded = readBundleArg(ctx.args[0]);
    if (!checkPublishable(ctx, loaded, 'packed')) return EXIT_FINDINGS;
    const api = ctx.api();
    const { name, version } = identityOf(api, loaded.bundle, loaded.target);
    const output = ctx.flags.output !== undefined ? ctx.flags.output : `${name}-${version}.tar.gz`;
    if (output === '') throw new CliError('--output must not be empty');

    let archive;
    try {
      archive = api.pack(withoutOutput(loaded.bundle, loaded.root, output));
    } catch (error) {
      if (error && error.code === 'VALIDATION_FAILED') {
        throw new CliError(`${loaded.target}: ${error.message}`, { exitCode: EXIT_FINDINGS, cause: error });
      }
      throw new CliError(`${loaded.target}: cannot pack: ${error && error.message ? error.message : String(error)}`, { cause: error });
    }
    try {
      writeFileAtomic(output, archive, 0o644);
    } catch (error) {
      const reason = error.code === 'EACCES' ? 'permission denied' : error.code === 'ENOENT' ? 'no such directory' : error.message;
      throw new CliError(`cannot write ${output}: ${reason}`, { cause: error });
    }
    const digest = `sha256:${crypto.createHash('sha256').update(archive).digest('hex')}`;
    if (ctx.format === 'json') {
      ctx.out(`${JSON.stringify({ output, name, version, digest }, null, 2)}\n`);
    } else {
      ctx.out(`Packed ${name}@${version} -> ${output}\n`);
    }
    return EXIT_OK;
  },

  checkPublishable,
  writeFileAtomic,
};
