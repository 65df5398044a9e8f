// A real OCI registry for the registry suites: Debian's `docker-registry`
// (CNCF distribution 2.8) on a free 127.0.0.1 port with temporary storage, in
// one of three modes:
//   none   no authentication
//   basic  htpasswd (bcrypt) Basic authentication
//   token  Bearer tokens from a token endpoint run in this process (node:http):
//          RS256 JWTs signed with a throw-away key whose self-signed
//          certificate is the registry's root bundle; a token grants only the
//          actions the request's scope asks for AND the user may do.
//
// Nothing is mocked: the CLI under test talks HTTP to the registry process.
// Every wait is bounded, and a registry never outlives the test process: it runs
// under a small shell watchdog that stops it and deletes its storage as soon as
// the pipe to this process closes, whether we end it or die.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PACTO_BIN = path.join(ROOT, 'npm', 'bin', 'pacto.js');
export const REGISTRY_BIN = process.env.PACTO_TEST_REGISTRY_BIN || '/usr/bin/docker-registry';
export const SERVICE = 'pacto-test';
export const ISSUER = 'pacto-test-issuer';

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LIMIT = 256 * 1024;

/** The things the suites need on the machine; each missing one is named. */
export function missingPrerequisites(auth = 'none') {
  const missing = [];
  if (!isExecutable(REGISTRY_BIN)) missing.push(`${REGISTRY_BIN} (apt-get install docker-registry)`);
  if (auth === 'basic' && !onPath('htpasswd')) missing.push('htpasswd (apt-get install apache2-utils)');
  if (auth === 'token' && !onPath('openssl')) missing.push('openssl (apt-get install openssl)');
  return missing;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  return (process.env.PATH || '').split(path.delimiter).some((dir) => dir && isExecutable(path.join(dir, name)));
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// Token authentication: key, certificate, JWT, endpoint.

function makeSigningIdentity(dir) {
  const keyFile = path.join(dir, 'token-key.pem');
  const certFile = path.join(dir, 'token-cert.pem');
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  execFileSync(
    'openssl',
    ['req', '-x509', '-new', '-key', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${ISSUER}`],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 },
  );
  const der = new crypto.X509Certificate(fs.readFileSync(certFile)).raw;
  return { privateKey, certFile, x5c: der.toString('base64') };
}

function signJwt(identity, claims) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ typ: 'JWT', alg: 'RS256', x5c: [identity.x5c] })}.${encode(claims)}`;
  const signature = crypto.sign('sha256', Buffer.from(signingInput), identity.privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** `repository:acme/app:pull,push` -> { type, name, actions } (scopes may be space-joined). */
export function parseScopes(values) {
  const scopes = [];
  for (const value of values) {
    for (const scope of value.split(' ').filter(Boolean)) {
      const first = scope.indexOf(':');
      const last = scope.lastIndexOf(':');
      if (first === -1 || last === first) continue;
      scopes.push({
        type: scope.slice(0, first),
        name: scope.slice(first + 1, last),
        actions: scope.slice(last + 1).split(',').filter(Boolean),
      });
    }
  }
  return scopes;
}

function basicCredentials(header) {
  const match = /^Basic\s+(\S+)$/i.exec(header || '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function allowedActions(user, repository) {
  const rule = user.repositories;
  if (rule === undefined || rule === '*') return user.actions;
  return rule.includes(repository) ? user.actions : [];
}

async function startTokenServer(identity, users, requests) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== '/token') return reply(404, { error: 'not found' });
    const credentials = basicCredentials(req.headers.authorization);
    const user = credentials && Object.hasOwn(users, credentials.username) ? users[credentials.username] : undefined;
    const scopes = parseScopes(url.searchParams.getAll('scope'));
    // What was asked, never the password.
    const record = { username: credentials ? credentials.username : null, service: url.searchParams.get('service'), scopes };
    requests.push(record);
    if (!user || user.password !== credentials.password) {
      record.status = 401;
      res.setHeader('www-authenticate', `Basic realm="${SERVICE}"`);
      return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] });
    }
    if (url.searchParams.get('service') !== SERVICE) {
      record.status = 400;
      return reply(400, { errors: [{ code: 'DENIED', message: `unknown service ${url.searchParams.get('service')}` }] });
    }
    const access = scopes
      .filter((s) => s.type === 'repository')
      .map((s) => {
        const allowed = allowedActions(user, s.name);
        return { type: 'repository', name: s.name, actions: s.actions.filter((a) => allowed.includes(a)) };
      });
    record.status = 200;
    record.granted = access;
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(identity, {
      iss: ISSUER,
      sub: credentials.username,
      aud: SERVICE,
      exp: now + 600,
      nbf: now - 30,
      iat: now,
      jti: crypto.randomUUID(),
      access,
    });
    return reply(200, { token, access_token: token, expires_in: 600, issued_at: new Date(now * 1000).toISOString() });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}

// ---------------------------------------------------------------------------
// The registry process.

// Runs the registry in the background, waits for stdin to close (this process
// ended the pipe, or died), then stops it and removes the temporary directory.
const WATCHDOG = `
"$1" serve "$2" </dev/null &
pid=$!
cat >/dev/null
exec >/dev/null 2>&1  # the pipes may be gone: a "Terminated" notice must not SIGPIPE us
kill -TERM "$pid"
wait "$pid"
rm -rf "$3"
`;

function registryConfig({ port, storage, auth }) {
  // JSON is YAML: the registry reads it as its config.yml.
  const config = {
    version: '0.1',
    log: { level: 'info', formatter: 'text', accesslog: { disabled: false } },
    storage: { filesystem: { rootdirectory: storage }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
    http: { addr: `127.0.0.1:${port}`, secret: crypto.randomBytes(16).toString('hex'), headers: { 'X-Content-Type-Options': ['nosniff'] } },
  };
  if (auth) config.auth = auth;
  return JSON.stringify(config, null, 2);
}

const live = new Set();
process.on('exit', () => {
  for (const registry of live) registry.killNow();
});

/**
 * Starts a registry.
 * @param {{ auth?: 'none' | 'basic' | 'token', users?: Record<string, { password: string, actions?: string[], repositories?: string[] | '*' }> }} [options]
 *   users: who may log in (basic and token modes); in token mode `actions`
 *   (default pull and push) and `repositories` (default all) limit what a token grants.
 */
export async function startRegistry({ auth = 'none', users = {} } = {}) {
  const missing = missingPrerequisites(auth);
  if (missing.length > 0) throw new Error(`cannot start a test registry: missing ${missing.join(', ')}; run scripts/ci-deps.sh`);
  const userTable = Object.fromEntries(
    Object.entries(users).map(([name, u]) => [name, { password: u.password, actions: u.actions || ['pull', 'push'], repositories: u.repositories }]),
  );
  // A port that was free may be taken before the registry binds it: try again, from scratch.
  let lastError;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const registry = await launchOnce(auth, userTable);
    try {
      await registry.ready();
      return registry;
    } catch (error) {
      lastError = error;
      await registry.stop();
    }
  }
  throw lastError;
}

async function launchOnce(auth, userTable) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacto-registry-'));
  const storage = path.join(dir, 'storage');
  fs.mkdirSync(storage);
  const tokenRequests = [];
  let tokenServer;
  let authConfig;
  try {
    if (auth === 'basic') {
      const lines = Object.entries(userTable).map(([name, u]) =>
        execFileSync('htpasswd', ['-Bbn', name, u.password], { encoding: 'utf8', timeout: 20_000 }).trim(),
      );
      const file = path.join(dir, 'htpasswd');
      fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
      authConfig = { htpasswd: { realm: 'pacto-test-realm', path: file } };
    } else if (auth === 'token') {
      const identity = makeSigningIdentity(dir);
      tokenServer = await startTokenServer(identity, userTable, tokenRequests);
      authConfig = {
        token: {
          realm: `http://127.0.0.1:${tokenServer.address().port}/token`,
          service: SERVICE,
          issuer: ISSUER,
          rootcertbundle: identity.certFile,
        },
      };
    } else if (auth !== 'none') {
      throw new Error(`unknown auth mode ${auth}`);
    }
    const port = await freePort();
    const configFile = path.join(dir, 'config.yml');
    fs.writeFileSync(configFile, registryConfig({ port, storage, auth: authConfig }));
    return launch({ dir, storage, port, configFile, auth, tokenServer, tokenRequests });
  } catch (error) {
    if (tokenServer) tokenServer.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function launch({ dir, storage, port, configFile, auth, tokenServer, tokenRequests }) {
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'pacto-registry-watchdog', REGISTRY_BIN, configFile, dir], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // its own process group: stop() can end the shell and the registry together
  });
  let log = '';
  const append = (chunk) => {
    log += chunk;
    if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT);
  };
  child.stdout.setEncoding('utf8').on('data', append);
  child.stderr.setEncoding('utf8').on('data', append);
  child.stdin.on('error', () => {});
  let exited = false;
  const exitPromise = new Promise((resolve) => child.on('exit', () => {
    exited = true;
    resolve();
  }));

  const host = `127.0.0.1:${port}`;
  const registry = {
    auth,
    host,
    port,
    url: `http://${host}`,
    storage,
    tokenRequests,
    tokenUrl: tokenServer ? `http://127.0.0.1:${tokenServer.address().port}/token` : undefined,
    log: () => log,

    /** Where the registry keeps a blob's bytes (sha256:<hex>). */
    blobPath(digest) {
      const hex = digest.replace(/^sha256:/, '');
      return path.join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    },

    /**
     * Resolves once the log has been quiet for a moment (the registry logs a
     * request after answering it), bounded.
     */
    async logSettled(quietMs = 200, maxMs = 3000) {
      const deadline = Date.now() + maxMs;
      let seen = log.length;
      let quietSince = Date.now();
      while (Date.now() < deadline) {
        await sleep(25);
        if (log.length !== seen) {
          seen = log.length;
          quietSince = Date.now();
        } else if (Date.now() - quietSince >= quietMs) {
          return;
        }
      }
    },

    /** The access-log lines for `method` requests whose line contains `fragment`. */
    requests(method, fragment) {
      return log.split('\n').filter((line) => line.includes(`"${method} `) && line.includes(fragment) && / HTTP\/1\.[01]" \d{3} /.test(line));
    },

    async ready() {
      const deadline = Date.now() + READY_TIMEOUT_MS;
      while (Date.now() < deadline) {
        if (exited) throw new Error(`docker-registry exited during start-up:\n${log}`);
        // Our process must own the port: another test file's registry may answer on a
        // port that was free when we picked it.
        if (!log.includes(`listening on ${host}`)) {
          await sleep(25);
          continue;
        }
        try {
          const response = await fetch(`${registry.url}/v2/`, { signal: AbortSignal.timeout(1000) });
          await response.arrayBuffer();
          if (response.status === 200 || response.status === 401) return;
        } catch {
          // not listening yet
        }
        await sleep(50);
      }
      throw new Error(`docker-registry not ready on ${host} after ${READY_TIMEOUT_MS} ms:\n${log}`);
    },

    killNow() {
      if (exited) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },

    async stop() {
      live.delete(registry);
      if (tokenServer) {
        tokenServer.closeAllConnections();
        tokenServer.close();
      }
      if (!exited) {
        child.stdin.end();
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, STOP_TIMEOUT_MS);
        await exitPromise;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(registry);
  return registry;
}

// ---------------------------------------------------------------------------
// Running the CLI without blocking the event loop (the token endpoint lives here).

/**
 * Runs `node npm/bin/pacto.js ...args` asynchronously.
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string | undefined>, input?: string, timeoutMs?: number }} [options]
 *   env: merged over a clean environment (HOME, XDG and DOCKER_CONFIG point into `home`
 *   unless given); a value of undefined removes the variable.
 * @returns {Promise<{ status: number | null, signal: string | null, stdout: string, stderr: string }>}
 */
export function pacto(args, { cwd = ROOT, env = {}, input, timeoutMs = 60_000 } = {}) {
  const childEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) {
    if (key.startsWith('PACTO_') || key === 'DOCKER_CONFIG' || key === 'XDG_CONFIG_HOME' || key === 'XDG_CACHE_HOME') delete childEnv[key];
  }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PACTO_BIN, ...args], { cwd, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    child.stdin.on('error', () => {});
    child.stdin.end(input === undefined ? '' : input);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n[harness: pacto ${args.join(' ')} killed after ${timeoutMs} ms]\n`;
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/**
 * A fresh HOME with empty XDG config/cache directories and no Docker config, so
 * that nothing from the developer's machine leaks into a test.
 */
export function isolatedEnv(root) {
  const home = path.join(root, 'home');
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    DOCKER_CONFIG: path.join(home, '.docker'),
    NO_COLOR: '1',
  };
  fs.mkdirSync(home, { recursive: true });
  return env;
}
