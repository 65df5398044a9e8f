// Serves the widget's example page the way `pacto serve` lays it out: the package's public files
// under /pacto-wasm/ and the example page at /widget/, with a strict Content-Security-Policy.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NPM = path.join(ROOT, 'npm');
const TYPES = { '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.yaml': 'text/yaml', '.json': 'application/json', '.gz': 'application/gzip' };
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

function file(url) {
  const pathname = decodeURIComponent(url.pathname);
  if (pathname.includes('..')) return undefined;
  if (pathname === '/widget/' || pathname === '/widget') return path.join(NPM, 'widget', 'example', 'index.html');
  if (pathname.startsWith('/widget/')) return path.join(NPM, 'widget', 'example', pathname.slice('/widget/'.length));
  if (pathname.startsWith('/pacto-wasm/')) {
    const rest = pathname.slice('/pacto-wasm/'.length);
    if (/^(web\.mjs|widget\/[^/]+\.mjs|dist\/web\/[^/]+|dist\/pacto\.wasm)$/.test(rest)) return path.join(NPM, rest);
  }
  return undefined;
}

export function startServer({ extra = {} } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    requests.push(url.pathname + url.search);
    if (extra[url.pathname]) {
      const type = TYPES[path.extname(url.pathname)] ?? 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type, 'Content-Security-Policy': CSP }).end(extra[url.pathname]);
      return;
    }
    const target = file(url);
    if (!target || !fs.existsSync(target) || !fs.statSync(target).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(target)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' });
    fs.createReadStream(target).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
