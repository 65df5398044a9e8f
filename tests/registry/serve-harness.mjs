// `pacto serve` for the serve suites: the real CLI process on a free port
// (--port 0, the URL read from its first line), plain HTTP requests with
// exactly the headers a test chooses, and an echo server on 127.0.0.1 that
// records what reaches an upstream.
import { spawn } from 'node:child_process';
import http from 'node:http';

import { PACTO_BIN } from './harness.mjs';

const START_TIMEOUT_MS = 20_000;
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // gone
    }
  }
});

/**
 * Starts `pacto serve --port 0 ...args` and waits for its URL.
 * @param {string[]} args
 * @param {{ env?: Record<string, string | undefined> }} [options] merged over this process's env
 * @returns {Promise<{ url: string, origin: string, hostHeader: string, child: import('node:child_process').ChildProcess,
 *   stdout: () => string, stderr: () => string, stop(signal?: string): Promise<{ code: number | null, signal: string | null }> }>}
 */
export function startServe(args, { env = {} } = {}) {
  const childEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) if (key.startsWith('PACTO_')) delete childEnv[key];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  const child = spawn(process.execPath, [PACTO_BIN, 'serve', '--port', '0', ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    live.delete(child);
    resolve({ code, signal });
  }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pacto serve did not start within ${START_TIMEOUT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, START_TIMEOUT_MS);
    const check = () => {
      const match = /^pacto serve: listening on (http:\/\/(\S+?)\/)$/m.exec(stdout);
      if (match && stdout.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          origin: match[1].replace(/\/$/, ''),
          hostHeader: match[2],
          child,
          stdout: () => stdout,
          stderr: () => stderr,
          /** Resolves once stderr matches `pattern` (bounded: 5 s). */
          async logged(pattern) {
            const deadline = Date.now() + 5000;
            while (!pattern.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          },
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', check);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`pacto serve exited (${code ?? signal}) before listening\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}

/**
 * One HTTP request with exactly these headers (fetch forbids Host, Cookie, Connection...).
 * @returns {Promise<{ status: number, headers: http.IncomingHttpHeaders, body: Buffer, json: () => any }>}
 */
export function request(url, { method = 'GET', headers = {}, body, rawPath } = {}) {
  return new Promise((resolve, reject) => {
    // rawPath: sent as it is (a URL would resolve its dot segments first).
    const req = http.request(url, { method, headers, agent: false, ...(rawPath ? { path: rawPath } : {}) });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: buffer, json: () => JSON.parse(buffer.toString('utf8')) });
      });
    });
    if (body === undefined) req.end();
    else req.end(body);
  });
}

/**
 * An HTTP server on 127.0.0.1 that records every request's method, URL and
 * headers, and answers with `respond(req, res)` (default: 200 and the
 * recorded headers as JSON, with a Set-Cookie the proxy must drop).
 */
export async function startEcho(respond) {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: { ...req.headers } });
    req.resume();
    if (respond) return respond(req, res);
    const body = JSON.stringify({ headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'upstream-session=1', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${server.address().port}`;
  return {
    host,
    url: `http://${host}`,
    seen,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Whether a process id is alive. */
export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}
