'use strict';

const { readBundleArg } = require('../bundle-arg.js');
const { parseRegistryArg, withRegistry, PLAIN_HTTP_FLAG, OCI_SCHEME } = require('../registry.js');
const { checkPublishable } = require('./pack.js');
const { CliError, UsageError, EXIT_OK, EXIT_FINDINGS } = require('../errors.js');

const withoutScheme = (ref) => (ref.startsWith(OCI_SCHEME) ? ref.slice(OCI_SCHEME.length) : ref);

module.exports = {
  name: 'push',
  summary: 'Publish a bundle to an OCI registry',
  usage: 'pacto push <oci://ref> [-p dir]',
  args: { min: 1, max: 1 },
  flags: [
    { name: 'path', short: 'p', type: 'string', valueName: 'DIR', description: 'the bundle to push (default: the current directory)' },
    { name: 'force', short: 'f', type: 'boolean', description: 'overwrite the tag if it already exists' },
    PLAIN_HTTP_FLAG,
  ],
  description: `Validates the bundle and pushes it as an OCI artifact in the Go tool's
format: one manifest, a config with the labels io.pacto.name, io.pacto.version
and io.pacto.pactoVersion, and the bundle archive as the only layer.
<oci://ref> is oci://host/repo[:tag]; without a tag, the contract's
service.version is the tag.

Nothing is uploaded when
  - the contract is invalid: its diagnostics on stderr, exit status 1;
  - a dependency is local (not oci://): published contracts must only
    depend on published ones, exit status 1;
  - the tag already exists and --force is not given: a warning on stderr,
    exit status 0.

Credentials, for the registry host of <ref>, first match wins:
PACTO_REGISTRY_TOKEN (a bearer token), PACTO_REGISTRY_USERNAME and
PACTO_REGISTRY_PASSWORD, the pacto config written by "pacto login"
($XDG_CONFIG_HOME/pacto/config.json), Docker's config.json
($DOCKER_CONFIG/config.json or ~/.docker/config.json), else anonymous.
The PACTO_REGISTRY_* credentials go only to the registries named on the
command line, or, when PACTO_REGISTRY_HOST is set (comma-separated hosts),
only to those: never to a registry that only a contract names (pacto login
gives one its own). Registries on localhost, 127.0.0.0/8 or ::1 are reached
over plain http; --plain-http does the same for any host.

Time bounds: a request fails when no byte arrives for 30 s
(PACTO_REGISTRY_IDLE_TIMEOUT, seconds), an operation after 300 s
(PACTO_REGISTRY_TIMEOUT); neither is retried.

Output (stdout):
  text  "Pushed <name>@<version> -> <ref>" and "Digest: sha256:..."
  json  {"reference", "digest", "name", "version", "existed"}

Exit status: 0 pushed (or already there), 1 invalid contract or local
dependency, 2 usage, I/O or registry error (authentication failed,
registry unreachable, ...).`,

  run(ctx) {
    const arg = ctx.args[0];
    const target = parseRegistryArg(arg, { implicit: true });
    if (!target) throw new UsageError(`push requires an OCI reference (oci://...): got "${arg}"`, 'push');
    const loaded = readBundleArg(ctx.flags.path);
    if (!checkPublishable(ctx, loaded, 'pushed')) return EXIT_FINDINGS;
    const api = ctx.api();
    if (typeof api.push !== 'function') {
      throw new CliError('this build of pacto-wasm has no registry client (push is missing): run `make build`');
    }
    const force = Boolean(ctx.flags.force);
    return withRegistry(ctx, target, (options) => api.push(target.ref, loaded.bundle, { ...options, force })).then((result) => {
      const reference = withoutScheme(result.reference);
      if (result.existed && !force) {
        ctx.err(`pacto: warning: ${reference} already exists (use --force to overwrite); nothing was pushed\n`);
      }
      if (ctx.format === 'json') {
        const json = { reference, digest: result.digest, name: result.name, version: result.version, existed: Boolean(result.existed) };
        ctx.out(`${JSON.stringify(json, null, 2)}\n`);
      } else if (!result.existed || force) {
        ctx.out(`Pushed ${result.name}@${result.version} -> ${reference}\nDigest: ${result.digest}\n`);
      }
      return EXIT_OK;
    });
  },
};
