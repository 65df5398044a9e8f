'use strict';
// The local registry of `pacto serve`: Debian's `docker-registry` (the CNCF
// distribution registry) on a free 127.0.0.1 port, storage under the data
// directory (kept across restarts), deletes enabled.
//
// It runs under a small shell watchdog that stops it as soon as the pipe from
// this process closes: when `stop()` ends the pipe, and also when this process
// dies without cleaning up (SIGKILL), so no registry outlives its server.

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const DEFAULT_BINARY = '/usr/bin/docker-registry';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LIMIT = 64 * 1024;
const INSTALL_HINT = 'install it with `sudo apt-get install docker-registry` (Debian, Ubuntu), or give registries with --registry';

const WATCHDOG = `
"$1" serve "$2" </dev/null &
pid=$!
echo "registry-pid $pid"
cat >/dev/null
exec >/dev/null 2>&1
kill -TERM "$pid"
wait "$pid"
rm -rf "$3"
`;

/** The binary to run: PACTO_REGISTRY_BIN when set, else /usr/bin/docker-registry, else `docker-registry` on PATH. */
function findBinary(env) {
  const candidates = env.PACTO_REGISTRY_BIN ? [env.PACTO_REGISTRY_BIN] : [DEFAULT_BINARY, ...(env.PATH || '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'docker-registry'))];
  for (const file of candidates) {
    if (!file) continue;
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // next
    }
  }
  return undefined;
}

/** A free loopback port: `wanted` when it is free, else one the system picks. */
function freePort(wanted = 0) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', (error) => {
      if (wanted !== 0) resolve(freePort(0));
      else reject(error);
    });
    server.listen(wanted, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The port the registry of this data directory had last time: refs pushed to it name
 * `127.0.0.1:<port>`, so keeping the port keeps those refs (and share links) working across
 * restarts. 0 when there is none.
 */
function rememberedPort(dataDir) {
  try {
    const port = Number(fs.readFileSync(path.join(dataDir, PORT_FILE), 'utf8').trim());
    return Number.isInteger(port) && port >= 1024 && port <= 65535 ? port : 0;
  } catch {
    return 0;
  }
}

const PORT_FILE = 'pacto-serve-port';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function configText(port, dataDir) {
  // JSON is YAML: the registry reads it as its config.yml.
  return JSON.stringify({
    version: '0.1',
    log: { level: 'warn', formatter: 'text', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: dataDir }, delete: { enabled: true } },
    http: { addr: `127.0.0.1:${port}`, secret: crypto.randomBytes(16).toString('hex'), headers: { 'X-Content-Type-Options': ['nosniff'] } },
  }, null, 2);
}

/**
 * Starts the local registry.
 * @param {{ dataDir: string, env?: Record<string, string | undefined> }} options
 * @returns {Promise<{ missing: true, hint: string } | { missing: false, host: string, url: string, pid: number | undefined, dataDir: string, binary: string, stop(): Promise<void> }>}
 */
async function startLocalRegistry({ dataDir, env = process.env }) {
  const binary = findBinary(env);
  if (!binary) return { missing: true, hint: `docker-registry was not found: ${INSTALL_HINT}` };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let lastError;
  // A port that was free a moment ago may be taken before the registry binds it: try again.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort(attempt === 0 ? rememberedPort(dataDir) : 0);
    const registry = await launch(binary, dataDir, port);
    try {
      await registry.ready();
      try {
        fs.writeFileSync(path.join(dataDir, PORT_FILE), `${port}\n`, { mode: 0o600 });
      } catch {
        // Not remembered: the next start picks a port again.
      }
      return registry;
    } catch (error) {
      lastError = error;
      await registry.stop();
    }
  }
  throw lastError;
}

function launch(binary, dataDir, port) {
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacto-serve-registry-'));
  const configFile = path.join(configDir, 'config.yml');
  fs.writeFileSync(configFile, configText(port, dataDir), { mode: 0o600 });
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'pacto-registry-watchdog', binary, configFile, configDir], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // its own process group: Ctrl-C reaches us, and we stop it in order
  });
  let log = '';
  let pid;
  const append = (chunk) => {
    log += chunk;
    if (pid === undefined) {
      const match = /^registry-pid (\d+)$/m.exec(log);
      if (match) pid = Number(match[1]);
    }
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
  let stopping;

  const registry = {
    missing: false,
    host,
    url: `http://${host}`,
    dataDir,
    binary,
    get pid() {
      return pid;
    },
    log: () => log,

    async ready() {
      const deadline = Date.now() + READY_TIMEOUT_MS;
      while (Date.now() < deadline) {
        if (exited) throw new Error(`docker-registry exited during start-up:\n${log.trim()}`);
        try {
          const response = await fetch(`${registry.url}/v2/`, { signal: AbortSignal.timeout(1000) });
          await response.arrayBuffer();
          // Ours answers 200 (no auth); anything else on this port is someone else.
          if (response.status === 200 && response.headers.get('docker-distribution-api-version')) return;
        } catch {
          // not listening yet
        }
        await sleep(50);
      }
      throw new Error(`docker-registry not ready on ${host} after ${READY_TIMEOUT_MS} ms:\n${log.trim()}`);
    },

    /** Stops the registry (idempotent); resolves once it has exited. */
    stop() {
      if (!stopping) {
        stopping = (async () => {
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
          fs.rmSync(configDir, { recursive: true, force: true });
        })();
      }
      return stopping;
    },
  };
  return registry;
}

module.exports = { startLocalRegistry, findBinary, INSTALL_HINT };
