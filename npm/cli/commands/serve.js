'use strict';

const { spawn } = require('node:child_process');

const { credentialsFor } = require('../credentials.js');
const { UsageError, CliError, EXIT_OK } = require('../errors.js');

const CREDENTIALS_TTL_MS = 30_000;

/** Opens `url` in the desktop's browser, if there is one; failures are only mentioned. */
function openBrowser(url, err) {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => err(`pacto serve: could not open a browser (${command}); open ${url} yourself\n`));
    child.unref();
  } catch {
    err(`pacto serve: could not open a browser; open ${url} yourself\n`);
  }
}

/** The CLI's credentials per host (pacto login, PACTO_REGISTRY_*, Docker's config), read again every 30 s. */
function cachedCredentials(env) {
  const cache = new Map();
  return (host) => {
    const hit = cache.get(host);
    if (hit && Date.now() - hit.at < CREDENTIALS_TTL_MS) return hit.credentials;
    const { credentials } = credentialsFor(host, env);
    cache.set(host, { credentials, at: Date.now() });
    return credentials;
  };
}

module.exports = {
  name: 'serve',
  summary: 'Serve the playground, a registry proxy and a local registry',
  usage: 'pacto serve [--port 8080] [--host 127.0.0.1] [--registry URL]...',
  args: { min: 0, max: 0 },
  flags: [
    { name: 'port', short: 'p', type: 'string', valueName: 'PORT', description: 'port to listen on (default 8080; 0 picks a free one)' },
    { name: 'host', type: 'string', valueName: 'ADDRESS', description: 'address to bind (default 127.0.0.1)' },
    { name: 'registry', type: 'string', multiple: true, valueName: 'URL', description: 'allow proxying this registry (https://ghcr.io, http://127.0.0.1:5000); repeatable' },
    { name: 'data-dir', type: 'string', valueName: 'DIR', description: 'storage of the local registry (default $XDG_DATA_HOME/pacto/registry)' },
    { name: 'no-local-registry', type: 'boolean', description: 'do not start the local registry' },
    { name: 'use-local-credentials', type: 'boolean', description: "add the CLI's registry credentials to proxied requests (loopback only)" },
    { name: 'frame-ancestors', type: 'string', valueName: 'SOURCES', description: "who may embed the pages (CSP frame-ancestors; default 'self')" },
    { name: 'allowed-host', type: 'string', multiple: true, valueName: 'NAME', description: 'another Host name the server answers for (behind a proxy); repeatable' },
    { name: 'open', type: 'boolean', description: 'open the playground in the browser' },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'no log line per proxied request' },
  ],
  description: `Serves the playground (a placeholder page until it is built) and a
registry proxy for it, on http://127.0.0.1:8080/ by default.

With no --registry, a local registry is started too: Debian's docker-registry
on a free loopback port, its storage under --data-dir (default
$XDG_DATA_HOME/pacto/registry, else ~/.local/share/pacto/registry), kept
across restarts; it is the default registry. Without the binary the server
still starts and says how to install it.

The proxy (the layout is fixed):
  /registry/<host[:port]>/v2/...   forwarded to <scheme>://<host[:port]>/v2/...
  /registry/<host[:port]>/token    forwarded to the token realm that registry announced
Only allowlisted registries (--registry, the local one) are forwarded; any
other host is answered 403. Requests must name this server in Host and come
from its own pages (Origin, Sec-Fetch-Site); bodies are streamed, capped at
64 MiB (manifests 4 MiB) and answered 413 beyond. GET /api/config lists the
registries. One log line per proxied request goes to stderr (--quiet: none).

--use-local-credentials lets pages use the credentials of pacto login,
PACTO_REGISTRY_* and Docker's config.json for the allowlisted registries; it
is refused unless the server is bound to a loopback address.

Ctrl-C or SIGTERM stops the server and the local registry.`,

  run(ctx) {
    const { startServe } = require('../../serve/index.js');
    const { defaultDataDir } = require('../../serve/config.js');
    const portText = ctx.flags.port === undefined ? '8080' : ctx.flags.port;
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${portText}"`, 'serve');
    const host = ctx.flags.host === undefined ? '127.0.0.1' : ctx.flags.host;
    if (host === '') throw new UsageError('--host must not be empty', 'serve');
    const registries = ctx.flags.registry || [];
    const dataDir = ctx.flags['data-dir'] || defaultDataDir(ctx.env);
    const log = ctx.flags.quiet ? () => {} : (line) => ctx.err(`${line}\n`);
    // Upstream timeouts: not flags (the defaults suit registries); the environment can shorten them.
    const millis = (name) => (/^[0-9]+$/.test(ctx.env[name] || '') ? Number(ctx.env[name]) : undefined);
    const timeouts = { connectMs: millis('PACTO_SERVE_CONNECT_TIMEOUT_MS'), idleMs: millis('PACTO_SERVE_IDLE_TIMEOUT_MS') };
    for (const key of Object.keys(timeouts)) if (timeouts[key] === undefined) delete timeouts[key];

    return startServe({
      host,
      port: Number(portText),
      registries,
      localRegistry: !ctx.flags['no-local-registry'],
      dataDir,
      useLocalCredentials: Boolean(ctx.flags['use-local-credentials']),
      credentialsFor: cachedCredentials(ctx.env),
      frameAncestors: ctx.flags['frame-ancestors'],
      allowedHosts: ctx.flags['allowed-host'] || [],
      env: ctx.env,
      log,
      timeouts,
    }).then(
      (server) => {
        const lines = [`pacto serve: listening on ${server.url}`];
        lines.push(server.playground ? '  playground: built (npm/dist/playground)' : '  playground: not built yet, a placeholder page is served (make build)');
        if (server.localRegistry) {
          lines.push(`  local registry: docker-registry on ${server.localRegistry.host} (pid ${server.localRegistry.pid ?? '?'}), data in ${server.localRegistry.dataDir}`);
        } else if (server.localRegistryMissing) {
          lines.push(`  local registry: not started: ${server.localRegistryMissing}`);
        }
        for (const registry of server.registries.values()) {
          lines.push(`  proxies ${registry.origin} at ${server.url}registry/${registry.host}/v2/${registry.host === server.defaultRegistry ? ' (default)' : ''}`);
        }
        if (server.registries.size === 0) lines.push('  proxies no registry');
        lines.push('Press Ctrl-C to stop.');
        ctx.out(`${lines.join('\n')}\n`);
        if (ctx.flags.open) openBrowser(server.url, ctx.err);
        return new Promise((resolve) => {
          const stop = (signal) => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            ctx.err(`pacto serve: ${signal}, stopping\n`);
            server.close().then(() => resolve(EXIT_OK));
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      },
      (error) => {
        if (error.code === 'EADDRINUSE') throw new CliError(`cannot listen on ${host}:${portText}: the port is in use (choose another with --port, or --port 0)`);
        if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') throw new CliError(`cannot listen on ${host}: not an address of this machine`);
        if (error.code === 'EACCES') throw new CliError(`cannot listen on ${host}:${portText}: permission denied`);
        throw new CliError(error.message);
      },
    );
  },
};
