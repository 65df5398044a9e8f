// The one place the browser tests and the benchmark get a running playground from:
// startPlayground() -> { url, close }. By default that is `pacto serve` itself (npm/serve, in
// this process, without a local registry): the playground as users get it, with its headers and
// CSP. With `csp` given, a loopback static server (sirv) over npm/dist/playground/ sends that
// policy instead, for tests of stricter policies than pacto serve's.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PLAYGROUND_DIR = join(root, 'npm', 'dist', 'playground');

/** What `pacto serve` sends: same-origin scripts and wasm compilation only, no inline script. */
export const CSP = "script-src 'self' 'wasm-unsafe-eval'";

export async function startPlayground({ port = 0, host = '127.0.0.1', csp } = {}) {
  if (!existsSync(join(PLAYGROUND_DIR, 'index.html'))) {
    throw new Error(`${PLAYGROUND_DIR}/index.html is missing: run \`make build\` first`);
  }
  if (csp === undefined) {
    const { startServe } = createRequire(import.meta.url)('../../npm/serve/index.js');
    const server = await startServe({ host, port, localRegistry: false });
    if (!server.playground) throw new Error('pacto serve did not find the built playground');
    return { url: server.url, close: () => server.close() };
  }
  const files = sirv(PLAYGROUND_DIR, {
    dev: false,
    etag: true,
    gzip: false,
    brotli: false,
    setHeaders(res, pathname) {
      res.setHeader('Content-Security-Policy', csp);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader(
        'Cache-Control',
        pathname.startsWith('/assets-') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const server = createServer((req, res) =>
    files(req, res, () => {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('not found\n');
    }),
  );
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: actual } = server.address();
  return {
    url: `http://${host}:${actual}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
