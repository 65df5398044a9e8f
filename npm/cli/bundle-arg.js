'use strict';
// The `[path]` argument shared by validate, explain (and later doc, graph,
// pack): a bundle directory or a contract file; `file://` is accepted and
// removed; `oci://` refs need the registry client, which is not here yet.

const path = require('node:path');
const { loadBundle, locateBundle, BundleError } = require('../node.js');
const { CliError } = require('./errors.js');

/**
 * @param {string | undefined} arg the path as typed, if any
 * @returns {{ target: string, contractFile: string, bundle: Record<string, string | Uint8Array> }}
 *   target: the argument as typed (`.` when none); contractFile: the pacto.yaml
 *   path the user would open, used in diagnostic locations.
 */
function readBundleArg(arg) {
  const target = arg === undefined ? '.' : arg;
  if (target.startsWith('oci://')) {
    throw new CliError(`${target}: oci:// references are not supported yet`);
  }
  const local = target.startsWith('file://') ? target.slice('file://'.length) : target;
  try {
    const { contractPath } = locateBundle(local);
    return { target, contractFile: path.normalize(contractPath), bundle: loadBundle(local) };
  } catch (error) {
    if (error instanceof BundleError) throw new CliError(error.message, { cause: error });
    throw error;
  }
}

module.exports = { readBundleArg };
