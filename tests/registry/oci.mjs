// The test's own view of the registry, independent of pacto: a minimal OCI
// distribution client over fetch (Basic or Bearer, following the registry's
// challenge) and a builder for artifacts in the Go tool's exact format
// (spec oci-graph-cli.md §1.2–§1.4), so that the suites can check what pacto
// pushed and hand it what the Go tool would have pushed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { gzipGo, tar } from './tar.mjs';

export const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const CONFIG_TYPE = 'application/vnd.docker.container.image.v1+json';
export const LAYER_TYPE = 'application/vnd.pacto.bundle.layer.v1.tar+gzip';

export const sha256 = (bytes) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;

const TIMEOUT_MS = 20_000;

function parseChallenge(header) {
  const match = /^(\w+)\s*(.*)$/.exec(header || '');
  if (!match) return undefined;
  const params = {};
  for (const m of match[2].matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  return { scheme: match[1].toLowerCase(), params };
}

export class TestClient {
  /**
   * @param {{ url: string }} registry from startRegistry
   * @param {{ username: string, password: string }} [credentials]
   */
  constructor(registry, credentials) {
    this.base = registry.url;
    this.credentials = credentials;
    this.tokens = new Map();
  }

  basic() {
    const { username, password } = this.credentials;
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  async authorize(challenge, scope) {
    if (!challenge || !this.credentials) return undefined;
    if (challenge.scheme === 'basic') return this.basic();
    if (challenge.scheme !== 'bearer') return undefined;
    const key = scope || '';
    if (!this.tokens.has(key)) {
      const url = new URL(challenge.params.realm);
      if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
      if (scope) url.searchParams.set('scope', scope);
      const response = await fetch(url, { headers: { authorization: this.basic() }, signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
      const body = await response.json();
      this.tokens.set(key, `Bearer ${body.token || body.access_token}`);
    }
    return this.tokens.get(key);
  }

  /** One request, retried once with credentials when challenged. */
  async request(method, urlOrPath, { headers = {}, body, scope } = {}) {
    const url = new URL(urlOrPath, this.base);
    const send = (authorization) =>
      fetch(url, {
        method,
        body,
        redirect: 'follow',
        headers: authorization ? { ...headers, authorization } : headers,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    let response = await send(this.lastAuth && this.lastAuth.scope === scope ? this.lastAuth.value : undefined);
    if (response.status === 401) {
      await response.arrayBuffer();
      const authorization = await this.authorize(parseChallenge(response.headers.get('www-authenticate')), scope);
      if (authorization) {
        this.lastAuth = { scope, value: authorization };
        response = await send(authorization);
      }
    }
    return response;
  }

  async expectOk(response, what) {
    if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
    return response;
  }

  /** Monolithic upload: POST, then PUT with the digest. */
  async uploadBlob(repo, bytes) {
    const digest = sha256(bytes);
    const scope = `repository:${repo}:pull,push`;
    const start = await this.expectOk(await this.request('POST', `/v2/${repo}/blobs/uploads/`, { scope }), `POST upload ${repo}`);
    await start.arrayBuffer();
    const location = new URL(start.headers.get('location'), this.base);
    location.searchParams.set('digest', digest);
    const put = await this.request('PUT', location.href, {
      scope,
      body: bytes,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
    });
    await this.expectOk(put, `PUT blob ${digest}`);
    await put.arrayBuffer();
    return digest;
  }

  async putManifest(repo, tag, bytes, mediaType = MANIFEST_TYPE) {
    const response = await this.request('PUT', `/v2/${repo}/manifests/${tag}`, {
      scope: `repository:${repo}:pull,push`,
      body: bytes,
      headers: { 'content-type': mediaType },
    });
    await this.expectOk(response, `PUT manifest ${repo}:${tag}`);
    await response.arrayBuffer();
    return sha256(bytes);
  }

  async getManifest(repo, reference) {
    const response = await this.request('GET', `/v2/${repo}/manifests/${reference}`, {
      scope: `repository:${repo}:pull`,
      headers: { accept: [MANIFEST_TYPE, 'application/vnd.docker.distribution.manifest.v2+json'].join(', ') },
    });
    await this.expectOk(response, `GET manifest ${repo}:${reference}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      bytes,
      json: JSON.parse(bytes.toString('utf8')),
      contentType: response.headers.get('content-type'),
      digest: response.headers.get('docker-content-digest'),
    };
  }

  async getBlob(repo, digest) {
    const response = await this.request('GET', `/v2/${repo}/blobs/${digest}`, { scope: `repository:${repo}:pull` });
    await this.expectOk(response, `GET blob ${digest}`);
    return Buffer.from(await response.arrayBuffer());
  }

  async tags(repo) {
    const response = await this.request('GET', `/v2/${repo}/tags/list`, { scope: `repository:${repo}:pull` });
    if (response.status === 404) return [];
    await this.expectOk(response, `GET tags ${repo}`);
    return (await response.json()).tags || [];
  }

  /**
   * Uploads a layer (and a config) and tags a manifest that references them.
   * @returns {Promise<{ digest: string, manifest: Buffer, config: Buffer, layerDigest: string }>}
   */
  async pushArtifact(repo, tag, { layer, config = goConfig({ diffId: sha256(Buffer.alloc(0)) }) }) {
    const layerDigest = await this.uploadBlob(repo, layer);
    const configDigest = await this.uploadBlob(repo, config);
    const manifest = goManifest({ config, layer });
    const digest = await this.putManifest(repo, tag, manifest);
    return { digest, manifest, config, layerDigest, configDigest };
  }
}

// ---------------------------------------------------------------------------
// The Go tool's artifact format.

/** Config blob, exactly as §1.3 lays it out. */
export function goConfig({ diffId, name = '', version = '', pactoVersion = '' }) {
  // Object key order is insertion order: the spec's order. Labels are sorted bytewise.
  const config = {
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: [{ created: '0001-01-01T00:00:00Z' }],
    os: '',
    rootfs: { type: 'layers', diff_ids: [diffId] },
    config: { Labels: { 'io.pacto.name': name, 'io.pacto.pactoVersion': pactoVersion, 'io.pacto.version': version } },
  };
  return Buffer.from(JSON.stringify(config));
}

/** Manifest, exactly as §1.2 lays it out. */
export function goManifest({ config, layer }) {
  const manifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: { mediaType: CONFIG_TYPE, size: config.length, digest: sha256(config) },
    layers: [{ mediaType: LAYER_TYPE, size: layer.length, digest: sha256(layer) }],
  };
  return Buffer.from(JSON.stringify(manifest));
}

function lookupNames() {
  try {
    const me = os.userInfo();
    return { uid: me.uid, name: me.username };
  } catch {
    return { uid: -1, name: '' };
  }
}

/**
 * The tar the Go tool writes for a bundle directory (§1.4): depth-first,
 * byte-wise name order, a typeflag-5 entry without trailing slash for every
 * directory, modes/mtimes/owners from the file system.
 */
export function goBundleTar(dir) {
  const me = lookupNames();
  const entries = [];
  const walk = (abs, rel) => {
    const names = fs.readdirSync(abs).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const name of names) {
      const full = path.join(abs, name);
      const key = rel ? `${rel}/${name}` : name;
      const stats = fs.lstatSync(full);
      const meta = {
        name: key,
        mode: stats.mode & 0o7777,
        mtime: Math.round(stats.mtimeMs / 1000),
        uid: stats.uid,
        gid: stats.gid,
        uname: stats.uid === me.uid ? me.name : '',
        gname: stats.gid === 0 ? 'root' : '',
      };
      if (stats.isDirectory()) {
        entries.push({ ...meta, type: 'dir' });
        walk(full, key);
      } else if (stats.isFile()) {
        entries.push({ ...meta, type: 'file', data: fs.readFileSync(full) });
      } else {
        throw new Error(`goBundleTar: ${full} is not a file or directory`);
      }
    }
  };
  walk(dir, '');
  return tar(entries);
}

/** A complete Go-format push of `dir`: layer at gzip level 1, config with labels. */
export function goArtifact(dir, { name, version, pactoVersion = '1.0' }) {
  const tarBytes = goBundleTar(dir);
  const layer = gzipGo(tarBytes, 1);
  const config = goConfig({ diffId: sha256(tarBytes), name, version, pactoVersion });
  return { tar: tarBytes, layer, config, manifest: goManifest({ config, layer }) };
}
