// The one place the browser tests, the benchmark and `make playground` get a running playground
// from: startPlayground() -> { url, close }. For now a loopback static server (sirv) over
// npm/dist/playground/ with the CSP `pacto serve` sends, so CSP problems show up here too;
// it is meant to become `pacto serve` once that exists.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PLAYGROUND_DIR = join(root, 'npm', 'dist', 'playground');

/** What `pacto serve` sends: same-origin scripts and wasm compilation only, no inline script. */
export const CSP = "script-src 'self' 'wasm-unsafe-eval'";

export async function startPlayground({ port = 0, host = '127.0.0.1', csp = CSP } = {}) {
  if (!existsSync(join(PLAYGROUND_DIR, 'index.html'))) {
    throw new Error(`${PLAYGROUND_DIR}/index.html is missing: run \`make build\` first`);
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
