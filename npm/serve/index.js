'use strict';
// `pacto serve`: one HTTP server for the playground (static.js), the registry
// proxy (proxy.js), `/api/config` (config.js) and, by default, a local
// registry (local-registry.js).
//
// Every request must name the served address in `Host` (a DNS-rebinding page
// cannot reach us under its own name); API and proxy requests must also come
// from our own origin (`Origin`, `Sec-Fetch-Site`), so a hostile page cannot
// use a developer's server. Requests without those headers (curl, Node's
// fetch) are not from a browser page and are fine.

const http = require('node:http');

const { PROXY_PREFIX, apiConfig, authority, defaultDataDir, isLoopbackName, parseRegistry, servedHosts } = require('./config.js');
const { createProxy } = require('./proxy.js');
const { closeAgents } = require('./upstream.js');
const { createStatic } = require('./static.js');
const { startLocalRegistry } = require('./local-registry.js');

/** The security headers of every answer; `frameAncestors` is the CSP source list for embedding. */
function securityHeaders(frameAncestors) {
  const csp = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    // The editor and the views set styles from script; no inline script is allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

function refuse(res, status, code, message) {
  const body = `${JSON.stringify({ errors: [{ code, message }] })}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * Starts the server.
 * @param {{ host?: string, port?: number, registries?: string[], localRegistry?: boolean, dataDir?: string,
 *   useLocalCredentials?: boolean, credentialsFor?: (host: string) => any, frameAncestors?: string,
 *   allowedHosts?: string[], env?: Record<string, string | undefined>, log?: (line: string) => void,
 *   limits?: object, timeouts?: object, playgroundDir?: string, widgetDir?: string }} options
 * @returns {Promise<{ url: string, host: string, port: number, registries: Map<string, object>, defaultRegistry?: string,
 *   localRegistry?: object, localRegistryMissing?: string, playground: boolean, close(): Promise<void> }>}
 */
async function startServe(options = {}) {
  const bindHost = options.host || '127.0.0.1';
  const log = options.log || (() => {});
  const env = options.env || process.env;
  const frameAncestors = options.frameAncestors || "'self'";
  if (/[;\r\n,]/.test(frameAncestors)) throw new Error(`--frame-ancestors "${frameAncestors}": a CSP source list (e.g. "'self' https://portal.example.com"), without ; or ,`);
  if (options.useLocalCredentials && !isLoopbackName(bindHost)) {
    throw new Error(`--use-local-credentials is refused when bound to ${bindHost}: anyone who reaches the server would use your credentials; bind to 127.0.0.1`);
  }

  const registries = new Map();
  for (const value of options.registries || []) {
    const registry = parseRegistry(value);
    registries.set(registry.host, registry);
  }
  let defaultRegistry = registries.size > 0 ? registries.keys().next().value : undefined;
  let localRegistry;
  let localRegistryMissing;
  if (options.localRegistry !== false && (options.registries || []).length === 0) {
    const started = await startLocalRegistry({ dataDir: options.dataDir || defaultDataDir(env), env });
    if (started.missing) {
      localRegistryMissing = started.hint;
    } else {
      localRegistry = started;
      registries.set(started.host, { host: started.host, scheme: 'http', origin: started.url, local: true, loopback: true });
      defaultRegistry = started.host;
    }
  }

  const staticSite = createStatic({ playgroundDir: options.playgroundDir, widgetDir: options.widgetDir });
  const proxy = createProxy({
    registries,
    credentialsFor: options.useLocalCredentials ? options.credentialsFor : undefined,
    log,
    limits: options.limits,
    timeouts: options.timeouts,
  });
  const headers = securityHeaders(frameAncestors);
  let allowed = new Set();

  const server = http.createServer({ noDelay: true }, (req, res) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const host = String(req.headers.host || '').toLowerCase();
    if (!allowed.has(host)) {
      req.resume();
      return refuse(res, 421, 'HOST_NOT_SERVED', `this pacto serve answers only for ${[...allowed].join(', ')}, not the Host "${host.slice(0, 100)}" (start it with --allowed-host to add a name)`);
    }
    // Behind a TLS-terminating load balancer (--allowed-host) pages are https: the realm URLs
    // handed back and the Origin compared with must say so.
    const scheme = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
    const servedOrigin = `${scheme}://${host}`;
    const url = req.url || '/';
    const isApi = url.startsWith(PROXY_PREFIX) || url === '/api' || url.startsWith('/api/');
    if (isApi) {
      const origin = req.headers.origin;
      const site = req.headers['sec-fetch-site'];
      if ((origin !== undefined && origin !== servedOrigin) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
        req.resume();
        return refuse(res, 403, 'CROSS_ORIGIN', `requests from another origin (${String(origin || site).slice(0, 100)}) are refused: only pages served by this pacto serve may use it`);
      }
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    }
    if (url.startsWith(PROXY_PREFIX)) return void proxy.handle(req, res, servedOrigin);
    if (url === '/api/config' || url.startsWith('/api/config?')) {
      req.resume();
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'METHOD_NOT_ALLOWED', '/api/config is GET only');
      const body = `${JSON.stringify(apiConfig({ registries, defaultRegistry, playground: staticSite.playground }), null, 2)}\n`;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
      return res.end(req.method === 'HEAD' ? undefined : body);
    }
    if (isApi) {
      req.resume();
      return refuse(res, 404, 'NOT_FOUND', `no such API: ${url.split('?')[0].slice(0, 100)}`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      return refuse(res, 405, 'METHOD_NOT_ALLOWED', 'static files are GET only');
    }
    return staticSite.handle(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
      res.end('not found\n');
    });
  });
  server.keepAliveTimeout = 10_000;

  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port === undefined ? 8080 : options.port, bindHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    if (localRegistry) await localRegistry.stop();
    throw error;
  }
  const { port } = server.address();
  allowed = servedHosts(bindHost, port, options.allowedHosts);
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? 'localhost' : bindHost;
  let closing;

  return {
    url: `http://${authority(shownHost, port)}/`,
    host: bindHost,
    port,
    registries,
    defaultRegistry,
    localRegistry,
    localRegistryMissing,
    playground: staticSite.playground,
    /** Stops accepting, ends open connections and stops the local registry (idempotent). */
    close() {
      if (!closing) {
        closing = (async () => {
          await new Promise((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
            setTimeout(() => server.closeAllConnections(), 2000).unref();
          });
          if (localRegistry) await localRegistry.stop();
          closeAgents();
        })();
      }
      return closing;
    },
  };
}

module.exports = { startServe };
