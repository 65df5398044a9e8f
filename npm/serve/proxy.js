'use strict';
// The registry proxy: `/registry/<host[:port]>/v2/...` is forwarded to
// `<scheme>://<host[:port]>/v2/...` for allowlisted registries only, and
// `/registry/<host[:port]>/token?...` to the token realm that registry itself
// announced. Nothing else reaches the network: not an open proxy.
//
// What the proxy changes on the way:
// - requests: only the headers a registry needs (so never Cookie, hop-by-hop
//   headers, Origin or Referer); Authorization to the registry and its
//   announced realm only; with --use-local-credentials, the CLI's credentials
//   for allowlisted hosts when the request has none;
// - answers: Bearer realms point back at the proxy (the announced realm is
//   remembered per registry: the proxy's only state, learnt again from the
//   registry's `/v2/` when missing); Location and Link targets on the
//   registry become proxy paths; blob redirects are followed here (GET only,
//   with the address policy of upstream.js); Set-Cookie and hop-by-hop headers
//   are dropped;
// - caps: request bodies, manifests and blobs (413), connect and idle
//   timeouts (504).
// One log line per proxied request: method, registry, path without query,
// status, bytes, milliseconds; never a header value.

const { Transform } = require('node:stream');

const { PROXY_PREFIX, hostName } = require('./config.js');
const { send, UpstreamError } = require('./upstream.js');

const MiB = 1024 * 1024;
const DEFAULT_LIMITS = { requestBody: 64 * MiB, manifest: 4 * MiB, blob: 64 * MiB, token: 4 * MiB };
const DEFAULT_TIMEOUTS = { connectMs: 10_000, idleMs: 30_000 };
const MAX_REDIRECTS = 5;
/** Answers up to this size are read whole and sent with their headers in one write. */
const SMALL_ANSWER = 256 * 1024;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Request headers a registry or token service may see; everything else stays here. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'content-length', 'content-range', 'range', 'if-none-match', 'if-match', 'user-agent', 'docker-content-digest'];
/** Answer headers never passed back. */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'trailers',
  'transfer-encoding', 'upgrade', 'set-cookie', 'set-cookie2', 'strict-transport-security', 'alt-svc',
  'access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-headers',
  'access-control-allow-methods', 'access-control-expose-headers', 'access-control-max-age',
]);

const BLOB_GET = /^\/v2\/.+\/blobs\/[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const MANIFEST = /^\/v2\/.+\/manifests\/[^/]+$/;

function errorBody(code, message, detail) {
  return `${JSON.stringify({ errors: [{ code, message, ...(detail ? { detail } : {}) }] })}\n`;
}

/** A JSON error in the OCI error format (the registry client prints code and message). */
function replyError(res, status, code, message, detail) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(code, message, detail);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

/** Counts bytes through a stream; past `limit` it fails with a too-large UpstreamError. */
function counter(limit, what) {
  const stream = new Transform({
    transform(chunk, _encoding, callback) {
      stream.bytes += chunk.length;
      if (stream.bytes > limit) return callback(new UpstreamError(`${what} is larger than ${limit} bytes`, 'too-large'));
      callback(null, chunk);
    },
  });
  stream.bytes = 0;
  return stream;
}

/** Splits a WWW-Authenticate value into its challenges (commas inside quotes kept). */
function splitChallenges(header) {
  const parts = [];
  let start = 0;
  let inQuotes = false;
  for (let i = 0; i < header.length; i += 1) {
    const c = header[i];
    if (inQuotes) {
      if (c === '\\') i += 1;
      else if (c === '"') inQuotes = false;
    } else if (c === '"') {
      inQuotes = true;
    } else if (c === ',') {
      // A new challenge starts when the next item is `scheme` followed by a space and a param (not `name=`).
      const rest = header.slice(i + 1);
      if (/^\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+\s+[^=\s,]/.test(rest) && !/^\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+\s*=/.test(rest)) {
        parts.push(header.slice(start, i));
        start = i + 1;
      }
    }
  }
  parts.push(header.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

const REALM_PARAM = /(^|[\s,])realm\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)/i;

function unquote(value) {
  return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

/**
 * @param {{ registries: Map<string, { host: string, scheme: string, origin: string, loopback: boolean }>,
 *   credentialsFor?: (host: string) => ({ username: string, password: string } | { token: string } | undefined),
 *   log?: (line: string) => void, limits?: Partial<typeof DEFAULT_LIMITS>, timeouts?: Partial<typeof DEFAULT_TIMEOUTS> }} options
 *   credentialsFor: set with --use-local-credentials only
 */
function createProxy({ registries, credentialsFor, log = () => {}, limits = {}, timeouts = {} }) {
  const caps = { ...DEFAULT_LIMITS, ...limits };
  const times = { ...DEFAULT_TIMEOUTS, ...timeouts };
  /** host -> the token realm its last Bearer challenge announced. */
  const realms = new Map();

  const upstream = (request) => send({ ...request, connectTimeoutMs: times.connectMs, idleTimeoutMs: times.idleMs });

  function localAuthorization(registry, { basicOnly = false } = {}) {
    if (!credentialsFor) return undefined;
    const credentials = credentialsFor(registry.host);
    if (!credentials) return undefined;
    if (credentials.token !== undefined) return basicOnly ? undefined : `Bearer ${credentials.token}`;
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
  }

  function forwardedHeaders(req, authorization) {
    const headers = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    if (authorization) headers.authorization = authorization;
    return headers;
  }

  /** `/registry/<host>` + path for a URL on the registry's origin, else undefined. */
  function proxyPathFor(registry, target) {
    if (target.origin !== registry.origin) return undefined;
    return `${PROXY_PREFIX}${registry.host}${target.pathname}${target.search}`;
  }

  /** Rewrites Bearer realms to the proxy's token route; remembers the announced one. */
  function rewriteChallenges(registry, header, servedOrigin, fromBrowser) {
    return splitChallenges(header)
      .map((challenge) => {
        const scheme = challenge.split(/\s/, 1)[0].toLowerCase();
        if (scheme === 'basic' && fromBrowser) {
          // A Basic challenge makes browsers show their own login dialog over the page; the
          // client sends its credentials without it.
          return `Pacto-Basic${challenge.slice(5)}`;
        }
        if (scheme !== 'bearer') return challenge;
        const match = REALM_PARAM.exec(challenge);
        if (!match) return challenge;
        realms.set(registry.host, unquote(match[2]));
        const ours = `${servedOrigin}${PROXY_PREFIX}${registry.host}/token`;
        return challenge.replace(REALM_PARAM, `$1realm="${ours}"`);
      })
      .join(', ');
  }

  /** The realm a registry announces on `/v2/`, asked when the proxy has none remembered. */
  async function learnRealm(registry) {
    const response = await upstream({ url: new URL('/v2/', registry.origin), method: 'GET', headers: { accept: 'application/json' }, policy: { checked: false } });
    response.resume();
    const header = response.headers['www-authenticate'];
    if (response.statusCode === 401 && header) rewriteChallenges(registry, header, '', false);
    return realms.get(registry.host);
  }

  function upstreamFailure(res, error, registry) {
    if (error instanceof UpstreamError) {
      if (error.kind === 'timeout') return replyError(res, 504, 'UPSTREAM_TIMEOUT', `gateway timeout: ${error.message}`, { host: registry.host });
      if (error.kind === 'refused') return replyError(res, 502, 'TARGET_REFUSED', error.message, { host: registry.host });
      if (error.kind === 'too-large') return replyError(res, 413, 'TOO_LARGE', error.message, { host: registry.host });
      return replyError(res, 502, 'UPSTREAM_UNREACHABLE', `cannot reach ${error.message}`, { host: registry.host });
    }
    return replyError(res, 502, 'UPSTREAM_ERROR', String(error && error.message), { host: registry.host });
  }

  /** Passes an answer back, with its headers filtered and its body capped. */
  function relay(res, response, { limit, what, rewriteHeader }) {
    const length = Number(response.headers['content-length']);
    if (Number.isFinite(length) && length > limit) {
      response.destroy();
      throw new UpstreamError(`${what} is ${length} bytes, more than the proxy passes (${limit} bytes)`, 'too-large');
    }
    const dropped = new Set(DROPPED_RESPONSE_HEADERS);
    for (const token of String(response.headers.connection || '').split(',')) dropped.add(token.trim().toLowerCase());
    const headers = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (dropped.has(name)) continue;
      const rewritten = rewriteHeader ? rewriteHeader(name, value) : value;
      if (rewritten !== undefined) headers[name] = rewritten;
    }
    headers['cache-control'] = headers['cache-control'] || 'no-store';
    const count = { bytes: 0 };
    if (Number.isFinite(length) && length <= SMALL_ANSWER) {
      // A small answer (a ping, a manifest, a tag page) goes out in one write with its headers.
      const chunks = [];
      response.on('data', (chunk) => {
        count.bytes += chunk.length;
        if (count.bytes > limit) response.destroy();
        else chunks.push(chunk);
      });
      response.on('end', () => {
        res.writeHead(response.statusCode, headers);
        res.end(Buffer.concat(chunks));
      });
      response.on('error', () => res.destroy());
      res.on('close', () => {
        if (!res.writableFinished) response.destroy();
      });
      return count;
    }
    res.writeHead(response.statusCode, headers);
    // Counted beside the pipe rather than through a Transform: no extra copy or buffering.
    response.on('data', (chunk) => {
      count.bytes += chunk.length;
      if (count.bytes > limit) {
        response.destroy();
        res.destroy();
      }
    });
    response.pipe(res);
    response.on('error', () => res.destroy());
    res.on('close', () => {
      if (!res.writableFinished) response.destroy();
    });
    return count;
  }

  async function handleToken(req, res, registry, query, note) {
    if (req.method !== 'GET') return replyError(res, 405, 'METHOD_NOT_ALLOWED', 'token requests are GET');
    let realm = realms.get(registry.host);
    if (realm === undefined) realm = await learnRealm(registry);
    if (realm === undefined) {
      return replyError(res, 403, 'TOKEN_REALM_NOT_ANNOUNCED', `${registry.host} has not announced a token realm (no Bearer challenge on its /v2/): the proxy forwards token requests only to the realm a registry announces`, { host: registry.host });
    }
    let target;
    try {
      target = new URL(realm);
    } catch {
      return replyError(res, 502, 'TARGET_REFUSED', `${registry.host} announced a token realm that is not a URL`, { host: registry.host });
    }
    for (const [name, value] of new URLSearchParams(query)) target.searchParams.append(name, value);
    const authorization = req.headers.authorization || localAuthorization(registry, { basicOnly: true });
    const response = await upstream({
      url: target,
      method: 'GET',
      headers: forwardedHeaders(req, authorization),
      policy: { checked: true, trustedHost: hostName(registry.host).replace(/^\[|\]$/g, ''), allowLoopback: registry.loopback },
    });
    note.status = response.statusCode;
    // The token service's own challenge (Basic) would make a browser prompt; the client needs only the status.
    return relay(res, response, { limit: caps.token, what: 'the token answer', rewriteHeader: (name, value) => (name === 'www-authenticate' ? undefined : value) });
  }

  async function handleRegistry(req, res, registry, path, query, servedOrigin, note) {
    if (!METHODS.has(req.method)) return replyError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not a registry method`);
    const isManifest = MANIFEST.test(path);
    const isBlobGet = req.method === 'GET' && BLOB_GET.test(path);
    const bodyLimit = isManifest ? caps.manifest : caps.requestBody;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > bodyLimit) {
      return replyError(res, 413, 'TOO_LARGE', `the request body is ${declared} bytes, more than the proxy accepts for this request (${bodyLimit} bytes)`, { host: registry.host });
    }
    const hasBody = req.method === 'PUT' || req.method === 'PATCH' || req.method === 'POST';
    let body;
    if (hasBody) {
      body = counter(bodyLimit, 'the request body');
      req.pipe(body);
      req.on('aborted', () => body.destroy(new UpstreamError('the client went away', 'unreachable')));
      note.sent = body;
    } else {
      req.resume();
    }
    const authorization = req.headers.authorization || localAuthorization(registry);
    const fromBrowser = req.headers['sec-fetch-mode'] !== undefined;
    const trustedHost = hostName(registry.host).replace(/^\[|\]$/g, '');
    let url = new URL(`${path}${query ? `?${query}` : ''}`, registry.origin);
    const headers = forwardedHeaders(req, authorization);
    // A body is only forwarded for the methods that carry one; its length must not announce one otherwise.
    if (!hasBody) delete headers['content-length'];
    let response = await upstream({ url, method: req.method, headers, body, policy: { checked: false } });

    // Blob downloads may be sent to storage elsewhere: followed here, GET only.
    for (let hop = 0; isBlobGet && [301, 302, 303, 307, 308].includes(response.statusCode); hop += 1) {
      const location = response.headers.location;
      response.resume();
      if (!location || hop >= MAX_REDIRECTS) throw new UpstreamError(`${registry.host}: too many or empty blob redirects`, 'refused');
      url = new URL(location, url);
      const sameOrigin = url.origin === registry.origin;
      const hopHeaders = forwardedHeaders(req, sameOrigin ? authorization : undefined);
      delete hopHeaders['content-length'];
      response = await upstream({ url, method: 'GET', headers: hopHeaders, policy: { checked: !sameOrigin, trustedHost, allowLoopback: registry.loopback } });
    }
    note.status = response.statusCode;
    const base = url;
    let offOrigin;
    const fromRegistry = url.origin === registry.origin;
    const rewriteHeader = (name, value) => {
      // Only the registry's own challenge may announce its realm (not storage it redirected to).
      if (name === 'www-authenticate') return fromRegistry ? rewriteChallenges(registry, String(value), servedOrigin, fromBrowser) : undefined;
      if (name === 'location') {
        let target;
        try {
          target = new URL(String(value), base);
        } catch {
          return undefined;
        }
        const mapped = proxyPathFor(registry, target);
        if (mapped === undefined) offOrigin = target;
        return mapped;
      }
      if (name === 'link') {
        return String(value).replace(/<([^>]*)>/g, (whole, ref) => {
          try {
            const mapped = proxyPathFor(registry, new URL(ref, base));
            return mapped === undefined ? whole : `<${mapped}>`;
          } catch {
            return whole;
          }
        });
      }
      return value;
    };
    if (response.headers.location) {
      rewriteHeader('location', response.headers.location);
      if (offOrigin) {
        response.destroy();
        throw new UpstreamError(`${registry.host} sent the client to ${offOrigin.protocol}//${offOrigin.host}, another host, which the proxy only follows for blob downloads`, 'refused');
      }
    }
    const limit = isManifest ? caps.manifest : caps.blob;
    note.received = relay(res, response, { limit, what: isManifest ? 'the manifest' : 'the answer', rewriteHeader });
  }

  /**
   * Answers one request under PROXY_PREFIX.
   * @param {string} servedOrigin `http://<Host>` of the request (already checked)
   */
  async function handle(req, res, servedOrigin) {
    const started = process.hrtime.bigint();
    const raw = req.url || '';
    const q = raw.indexOf('?');
    const pathname = q === -1 ? raw : raw.slice(0, q);
    const query = q === -1 ? '' : raw.slice(q + 1);
    const afterPrefix = pathname.slice(PROXY_PREFIX.length);
    const slash = afterPrefix.indexOf('/');
    let host = slash === -1 ? afterPrefix : afterPrefix.slice(0, slash);
    const path = slash === -1 ? '' : afterPrefix.slice(slash);
    try {
      host = decodeURIComponent(host).toLowerCase();
    } catch {
      return replyError(res, 400, 'BAD_REQUEST', 'the registry host in the path is not valid percent-encoding');
    }
    const note = { status: undefined, sent: undefined, received: undefined };
    res.on('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const bytes = (note.received ? note.received.bytes : 0) + (note.sent ? note.sent.bytes : 0);
      const status = res.headersSent ? res.statusCode : note.status ?? 'aborted';
      const shownPath = path.replace(/[^\x21-\x7e]/g, '?').slice(0, 300);
      log(`proxy ${req.method} ${host.replace(/[^\x21-\x7e]/g, '?').slice(0, 100)} ${shownPath} ${status} ${bytes}B ${ms.toFixed(1)}ms`);
    });

    const registry = registries.get(host);
    if (!registry) {
      req.resume();
      return replyError(res, 403, 'REGISTRY_NOT_ALLOWED', `registry "${host}" is not allowlisted by this pacto serve: restart it with --registry ${host} (or --registry http://${host} for plain http) to allow it`, { host });
    }
    let decoded;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      req.resume();
      return replyError(res, 400, 'BAD_REQUEST', 'the path is not valid percent-encoding');
    }
    if (/(^|\/)\.\.?(\/|$)/.test(decoded) || decoded.includes('\\') || decoded.includes('//') || /[\0-\x1f]/.test(decoded)) {
      req.resume();
      return replyError(res, 400, 'BAD_REQUEST', 'the path has empty, "." or ".." segments');
    }
    try {
      if (path === '/token') return await handleToken(req, res, registry, query, note);
      if (path === '/v2' || path.startsWith('/v2/')) return await handleRegistry(req, res, registry, path === '/v2' ? '/v2/' : path, query, servedOrigin, note);
      req.resume();
      return replyError(res, 404, 'NOT_FOUND', `the proxy forwards ${PROXY_PREFIX}<host>/v2/... and ${PROXY_PREFIX}<host>/token only`);
    } catch (error) {
      return upstreamFailure(res, error, registry);
    }
  }

  return { handle, realms };
}

module.exports = { createProxy, DEFAULT_LIMITS, DEFAULT_TIMEOUTS, splitChallenges };
