'use strict';
// What `pacto serve` serves and allows: the registry allowlist (parsed from
// --registry values), the addresses the server answers for, and the
// `/api/config` answer the playground reads.

const os = require('node:os');
const path = require('node:path');
const net = require('node:net');

const { version: SERVER_VERSION } = require('../package.json');

/** The URL prefix of the registry proxy: `/registry/<host[:port]>/v2/...`. */
const PROXY_PREFIX = '/registry/';

const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::([0-9]{1,5}))?$/;

/** localhost, 127.0.0.0/8, ::1 (a host name without port, brackets allowed). */
function isLoopbackName(name) {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  if (bare === 'localhost' || bare === '::1') return true;
  return net.isIPv4(bare) && bare.startsWith('127.');
}

/** `host[:port]` -> its host name (without port; IPv6 keeps its brackets). */
function hostName(hostPort) {
  const match = HOST_PORT.exec(hostPort);
  return match ? match[1] : hostPort;
}

/**
 * Parses one --registry value: `https://ghcr.io`, `http://127.0.0.1:5000`,
 * or a bare `ghcr.io` / `localhost:5000` (https, except loopback hosts: http,
 * as the CLI does). The key is `host[:port]`, what a reference names.
 * @returns {{ host: string, scheme: 'http' | 'https', origin: string, local: boolean, loopback: boolean }}
 */
function parseRegistry(value) {
  const text = String(value).trim();
  let scheme;
  let rest = text;
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (schemeMatch) {
    scheme = schemeMatch[1].toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') throw new Error(`--registry ${text}: only http:// and https:// registries can be proxied`);
    rest = text.slice(schemeMatch[0].length);
  }
  rest = rest.replace(/\/+$/, '');
  if (rest.includes('/') || rest.includes('?') || rest.includes('#') || rest.includes('@')) {
    throw new Error(`--registry ${text}: give the registry's host (and port) only, e.g. ghcr.io or http://127.0.0.1:5000`);
  }
  const host = rest.toLowerCase();
  const match = HOST_PORT.exec(host);
  if (!match || (match[2] !== undefined && (Number(match[2]) < 1 || Number(match[2]) > 65535))) {
    throw new Error(`--registry ${text}: "${rest}" is not a host name or address with an optional port`);
  }
  const loopback = isLoopbackName(match[1]);
  if (!scheme) scheme = loopback ? 'http' : 'https';
  return { host, scheme, origin: `${scheme}://${host}`, local: false, loopback };
}

/** `host:port` as a URL authority (IPv6 in brackets). */
function authority(host, port) {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/**
 * The `Host` header values the server answers (the DNS-rebinding defence): the
 * address it is bound to, `localhost` for a loopback bind, every local
 * interface address and the machine's name for a wildcard bind, and the
 * --allowed-host names. Compared lowercased, with the port.
 */
function servedHosts(bindHost, port, extra = []) {
  const names = new Set();
  const add = (name) => names.add(authority(name, port).toLowerCase());
  const wildcard = bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '';
  if (wildcard) {
    for (const list of Object.values(os.networkInterfaces())) {
      for (const entry of list || []) add(entry.address.replace(/%.*$/, ''));
    }
    add(os.hostname());
    add('localhost');
  } else {
    add(bindHost);
    if (isLoopbackName(bindHost)) {
      add('localhost');
      add('127.0.0.1');
    }
  }
  for (const name of extra) {
    const text = String(name).toLowerCase();
    // An --allowed-host with a port is taken as it is; without one it stands for itself on the
    // default port (behind a load balancer) and on ours.
    if (/:[0-9]+$/.test(text) && !(/^[0-9a-f:]+$/.test(text) && text.includes('::'))) {
      names.add(text);
    } else {
      const bare = text.replace(/^\[|\]$/g, '');
      names.add(net.isIPv6(bare) ? `[${bare}]` : bare);
      add(bare);
    }
  }
  return names;
}

/** `$XDG_DATA_HOME/pacto/registry`, else `~/.local/share/pacto/registry`. */
function defaultDataDir(env) {
  const base = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(base, 'pacto', 'registry');
}

/**
 * The `/api/config` answer.
 * @param {{ registries: Map<string, { host: string, scheme: string, local: boolean }>, defaultRegistry?: string, playground: boolean }} state
 */
function apiConfig(state) {
  return {
    version: SERVER_VERSION,
    proxy: PROXY_PREFIX,
    registries: [...state.registries.values()].map((r) => ({ host: r.host, scheme: r.scheme, local: r.local })),
    defaultRegistry: state.defaultRegistry === undefined ? null : state.defaultRegistry,
    playground: state.playground,
  };
}

module.exports = {
  PROXY_PREFIX,
  SERVER_VERSION,
  parseRegistry,
  servedHosts,
  authority,
  hostName,
  isLoopbackName,
  defaultDataDir,
  apiConfig,
};
