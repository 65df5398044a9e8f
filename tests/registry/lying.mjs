// A registry that lies, for the bounds suite (tests/js/registry-lying.test.mjs):
// a real HTTP (or HTTPS) server on loopback that speaks enough of the OCI
// distribution API to serve a bundle, and then, per repository, does what a
// hostile or broken registry does: streams a blob or a manifest forever,
// announces a gigantic Content-Length, stalls half-way through a body or an
// upload, asks for credentials, or points its token realm at plain http.
//
// Everything it did is recorded (requests with their Authorization header,
// body bytes written per request), so that a test can check that a client
// asked once, stopped early and sent no credentials where none belong.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

import { CONFIG_TYPE, LAYER_TYPE, MANIFEST_TYPE, sha256 } from './oci.mjs';

const CHUNK = Buffer.alloc(64 * 1024);
/**
 * An "endless" body stops here at the latest, so a broken client cannot fill the disk or RAM of
 * CI (PACTO_TEST_ENDLESS_CAP, in bytes, to measure an older client with less).
 */
export const ENDLESS_CAP = Number(process.env.PACTO_TEST_ENDLESS_CAP) || 1024 * 1024 * 1024;

/**
 * An artifact as the registry serves it: the layer and config blobs, and a
 * manifest naming them (as pacto pushes it).
 * @param {Buffer} layer
 * @param {{ layerSize?: number }} [lie] layerSize: the size the manifest declares
 */
export function artifact(layer, { layerSize } = {}) {
  const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: { mediaType: CONFIG_TYPE, size: config.length, digest: sha256(config) },
      layers: [{ mediaType: LAYER_TYPE, size: layerSize ?? layer.length, digest: sha256(layer) }],
    }),
  );
  return { manifest, config, layer, manifestDigest: sha256(manifest), layerDigest: sha256(layer) };
}

/** A self-signed certificate for an IP address (openssl), in `dir`. */
export function selfSignedCert(dir, ip) {
  const key = path.join(dir, 'tls-key.pem');
  const cert = path.join(dir, 'tls-cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${ip}`, '-addext', `subjectAltName=IP:${ip}`],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 },
  );
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert), certFile: cert };
}

/**
 * Starts a lying registry.
 * @param {{ address?: string, tls?: { key: Buffer, cert: Buffer }, challenge?: string, cors?: boolean }} [options]
 *   address: the loopback address to listen on (127.0.0.1); challenge: a
 *   WWW-Authenticate value that every request without Authorization gets with a 401;
 *   cors: let pages of any origin read the answers (for the browser tests)
 */
export async function startLyingRegistry({ address = '127.0.0.1', tls, challenge, cors = false } = {}) {
  const repos = new Map();
  const requests = [];
  const stalled = new Set();
  const handler = (req, res) => {
    const url = new URL(req.url, 'http://registry');
    const record = { method: req.method, path: url.pathname, authorization: req.headers.authorization || null, sent: 0 };
    requests.push(record);
    if (cors) {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-expose-headers', '*');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-methods': '*', 'access-control-allow-headers': '*', 'access-control-max-age': '600' });
        return res.end();
      }
    }
    const send = (status, headers = {}, body) => {
      res.writeHead(status, headers);
      if (body) record.sent += body.length;
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const json = (status, value, headers = {}) => {
      const body = Buffer.from(JSON.stringify(value));
      send(status, { 'content-type': 'application/json', 'content-length': body.length, ...headers }, body);
    };
    if (challenge && !req.headers.authorization) {
      return json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, { 'www-authenticate': challenge });
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') return json(200, {});
    if (url.pathname.startsWith('/upload/')) return upload(req, res, repos.get(url.searchParams.get('repo')), record);

    const match = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
    const repo = match && repos.get(match[1]);
    if (!repo) return json(404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
    const [, name, kind, rest] = match;
    if (kind === 'tags') return json(200, { name, tags: repo.tags || [] });
    if (kind === 'blobs' && rest === 'uploads/' && req.method === 'POST') {
      return send(202, { location: `/upload/${crypto.randomUUID()}?repo=${encodeURIComponent(name)}`, 'content-length': 0 });
    }
    const answer = kind === 'manifests' ? repo.manifest : repo.blobs && repo.blobs[rest];
    if (answer === undefined) return json(404, { errors: [{ code: kind === 'manifests' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN', message: 'unknown' }] });
    const type = kind === 'manifests' ? { 'content-type': MANIFEST_TYPE } : { 'content-type': 'application/octet-stream' };
    if (Buffer.isBuffer(answer)) return send(200, { ...type, 'content-length': answer.length }, answer);
    return lie(req, res, answer, type, record, stalled);
  };
  const upload = (req, res, repo, record) => {
    // An upload that is read to the end and never answered, when the repository says so.
    req.on('data', (chunk) => {
      record.received = (record.received || 0) + chunk.length;
    });
    req.on('end', () => {
      if (repo && repo.upload === 'stall') {
        stalled.add(res);
        return;
      }
      res.writeHead(201, { 'content-length': 0 });
      res.end();
    });
  };

  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  // Node's own defaults would end a stall after a while; the lie must last longer than the client's patience.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, resolve);
  });
  const host = `${address}:${server.address().port}`;
  return {
    host,
    url: `${tls ? 'https' : 'http'}://${host}`,
    requests,
    /**
     * What the registry serves for a repository.
     * @param {string} name
     * @param {{ manifest?: Buffer | object, blobs?: Record<string, Buffer | object>, tags?: string[], upload?: 'stall' }} spec
     *   a lie is { endless: true } (zeros, or `{"a":"xxx...` for a manifest), { declare: n }
     *   (a Content-Length of n, then nothing), { stallAfter: bytes } (that much of `body`, then silence)
     */
    serve(name, spec) {
      repos.set(name, spec);
    },
    /** Requests whose path contains `fragment` (and, if given, with `method`). */
    count(fragment, method) {
      return requests.filter((r) => r.path.includes(fragment) && (!method || r.method === method)).length;
    },
    async stop() {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Writes a lie: an endless body, a false Content-Length, or a body that stops half-way. */
function lie(req, res, answer, type, record, stalled) {
  if (answer.declare !== undefined) {
    res.writeHead(200, { ...type, 'content-length': String(answer.declare) });
    res.flushHeaders();
    stalled.add(res);
    return;
  }
  if (answer.stallAfter !== undefined) {
    const part = answer.body.subarray(0, answer.stallAfter);
    res.writeHead(200, { ...type, 'content-length': answer.body.length });
    res.write(part);
    record.sent += part.length;
    stalled.add(res);
    return;
  }
  // Endless: as fast as the client reads (backpressure), until it goes away or the cap.
  res.writeHead(200, type);
  const manifest = type['content-type'] === MANIFEST_TYPE;
  // A manifest that never closes its first string; a blob of zeros.
  const chunk = manifest ? Buffer.alloc(CHUNK.length, 'x') : CHUNK;
  if (manifest) res.write('{"a":"');
  const pump = () => {
    while (!res.destroyed && record.sent < ENDLESS_CAP) {
      record.sent += chunk.length;
      if (!res.write(chunk)) return res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  req.socket.on('close', () => res.destroy());
  pump();
}
