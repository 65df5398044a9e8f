'use strict';
// Requests from the proxy to registries, their token realms and blob storage:
// keep-alive agents, connect and idle timeouts, and the address policy for
// hosts the operator did not allowlist (a redirect or a token realm names
// them): https only, and never an address on a private, link-local or
// loopback network, checked on the address actually connected to (so a DNS
// answer cannot swap in a private address after the check). The one exception:
// when the registry itself is on loopback, loopback targets are allowed.

const dns = require('node:dns');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');

const { isLoopbackName } = require('./config.js');

/** Networks a redirect or realm may not reach (besides loopback, handled apart). */
const PRIVATE = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
]) PRIVATE.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [['::', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96]]) {
  PRIVATE.addSubnet(prefix, bits, 'ipv6');
}
const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as its IPv4 address. */
function unmapped(address) {
  const match = /^::ffff:([0-9.]+)$/i.exec(address);
  return match && net.isIPv4(match[1]) ? match[1] : address;
}

/** 'loopback', 'private' or 'public'. */
function classify(address) {
  const a = unmapped(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  const family = net.isIPv4(a) ? 'ipv4' : 'ipv6';
  if (LOOPBACK.check(a, family)) return 'loopback';
  if (PRIVATE.check(a, family)) return 'private';
  return 'public';
}

class UpstreamError extends Error {
  /**
   * @param {string} message
   * @param {'refused' | 'timeout' | 'unreachable' | 'too-large'} kind
   */
  constructor(message, kind) {
    super(message);
    this.kind = kind;
  }
}

/**
 * Why `url` may not be reached under `policy`, or undefined when it may (as far
 * as the URL tells: the address is checked again when connecting).
 * @param {URL} url
 * @param {{ trustedHost?: string, allowLoopback?: boolean }} policy trustedHost:
 *   the allowlisted registry's host name, reached whatever its address;
 *   allowLoopback: the registry is on loopback, so loopback targets are fine
 */
function refusal(url, policy) {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${url.protocol} URLs are not followed`;
  if (url.username || url.password) return 'URLs with credentials are not followed';
  const name = url.hostname.toLowerCase();
  if (policy.trustedHost !== undefined && name === policy.trustedHost) return undefined;
  if (policy.allowLoopback && isLoopbackName(name)) return undefined;
  if (url.protocol !== 'https:') return 'only https:// targets are followed';
  const literal = name.replace(/^\[|\]$/g, '');
  if (net.isIP(literal) && classify(literal) !== 'public') return `${literal} is a ${classify(literal)} address`;
  if (name === 'localhost' || name.endsWith('.localhost')) return `${name} is a loopback name`;
  return undefined;
}

/** A `lookup` for http.request that refuses non-public addresses (Node calls it for names, not literals). */
function checkedLookup(policy) {
  return (hostname, options, callback) => {
    dns.lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error);
      const list = Array.isArray(address) ? address : [{ address, family }];
      const allowed = list.filter((entry) => {
        const kind = classify(entry.address);
        return kind === 'public' || (kind === 'loopback' && policy.allowLoopback);
      });
      if (allowed.length === 0) {
        const refused = new Error(`${hostname} resolves to ${list.map((e) => e.address).join(', ')}, a ${classify(list[0].address)} address`);
        refused.code = 'EPACTO_ADDRESS_REFUSED';
        return callback(refused);
      }
      if (Array.isArray(address)) return callback(null, allowed);
      return callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, noDelay: true }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, noDelay: true }),
};

/**
 * Sends one request and resolves with the response (headers received).
 * @param {{ url: URL, method: string, headers: Record<string, string>, body?: NodeJS.ReadableStream,
 *   policy: { trustedHost?: string, allowLoopback?: boolean, checked: boolean },
 *   connectTimeoutMs: number, idleTimeoutMs: number }} request
 *   policy.checked: apply the address policy (targets the operator did not name)
 * @returns {Promise<http.IncomingMessage>}
 */
function send({ url, method, headers, body, policy, connectTimeoutMs, idleTimeoutMs }) {
  return new Promise((resolve, reject) => {
    if (policy.checked) {
      const why = refusal(url, policy);
      if (why) return reject(new UpstreamError(`refused ${url.protocol}//${url.host}: ${why}`, 'refused'));
    }
    const lib = url.protocol === 'https:' ? https : http;
    const trusted = !policy.checked || url.hostname.toLowerCase() === policy.trustedHost;
    const req = lib.request(url, {
      method,
      headers,
      agent: AGENTS[url.protocol],
      lookup: trusted ? undefined : checkedLookup(policy),
    });
    let settled = false;
    const fail = (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    let connectTimer;
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => {
        req.destroy(new UpstreamError(`no connection to ${url.host} within ${connectTimeoutMs} ms`, 'timeout'));
      }, connectTimeoutMs);
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.setTimeout(idleTimeoutMs, () => {
      req.destroy(new UpstreamError(`${url.host} sent nothing for ${idleTimeoutMs} ms`, 'timeout'));
    });
    req.on('error', (error) => {
      clearTimeout(connectTimer);
      if (error instanceof UpstreamError) return fail(error);
      if (error.code === 'EPACTO_ADDRESS_REFUSED') return fail(new UpstreamError(`refused ${url.host}: ${error.message}`, 'refused'));
      fail(new UpstreamError(`${url.host}: ${error.code || error.message}`, 'unreachable'));
    });
    req.on('response', (response) => {
      clearTimeout(connectTimer);
      settled = true;
      // The idle timeout (req.setTimeout) keeps watching the body: a stalled stream is destroyed.
      resolve(response);
    });
    if (body) {
      // A body that fails (too large, the client gone) ends the upstream request with its error.
      body.on('error', (error) => req.destroy(error));
      body.pipe(req);
    } else {
      req.end();
    }
  });
}

/** Ends the pooled connections (when the server stops). */
function closeAgents() {
  for (const agent of Object.values(AGENTS)) agent.destroy();
}

module.exports = { send, refusal, classify, closeAgents, UpstreamError };
