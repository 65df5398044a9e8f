'use strict';
// The static side of `pacto serve`: the built playground (npm/dist/playground,
// else a placeholder page that says how to build it) at `/`, the widget
// example (npm/widget/example) at `/widget/` when it exists, and the package's
// browser modules at `/pacto-wasm/` as a CDN would serve them (what the
// widget example imports). sirv does the file serving: types
// (application/wasm included), precompressed .br/.gz variants when the client
// accepts them, ETag and Range. Long-lived caching only for content-hashed
// file names; everything else is revalidated.

const fs = require('node:fs');
const path = require('node:path');
const sirv = require('sirv');

const PACKAGE_ROOT = path.resolve(__dirname, '..');
const PLAYGROUND_DIR = path.join(PACKAGE_ROOT, 'dist', 'playground');
const PLACEHOLDER_DIR = path.join(__dirname, 'placeholder');
const WIDGET_DIRS = [path.join(PACKAGE_ROOT, 'widget', 'example'), path.join(PACKAGE_ROOT, 'dist', 'widget')];
const PACKAGE_PREFIX = '/pacto-wasm/';
/** The package files a page may load from /pacto-wasm/: its browser modules and the wasm; nothing else of the checkout. */
const PACKAGE_PUBLIC = /^(?:browser\.mjs|web\.mjs|widget\/[A-Za-z0-9_-]+\.mjs|dist\/web\/[A-Za-z0-9_-][A-Za-z0-9_.-]*|dist\/pacto\.wasm)$/;

/**
 * A path segment with a content hash (`app-3f9a1c2e.js`, `index.5XYZ2AB9.css`,
 * a directory `assets-3f9a1c2e`): 8 or more characters after `-` or `.`, a digit among them.
 */
const HASHED_SEGMENT = /[.-](?=[A-Za-z0-9_]*[0-9])[A-Za-z0-9_]{8,}(?:\.[A-Za-z0-9]+)*$/;

function isHashed(pathname) {
  return pathname.split('/').some((segment) => HASHED_SEGMENT.test(segment));
}

function cacheHeaders(res, pathname) {
  res.setHeader('Cache-Control', isHashed(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

function isSite(dir) {
  try {
    return fs.statSync(path.join(dir, 'index.html')).isFile();
  } catch {
    return false;
  }
}

function serveDir(dir) {
  return sirv(dir, { etag: true, gzip: true, brotli: true, dev: false, dotfiles: false, setHeaders: cacheHeaders });
}

/**
 * @param {{ playgroundDir?: string, widgetDir?: string, packageDir?: string }} [options] directories
 *   to serve instead of the package's (tests)
 * @returns {{ handle(req, res, next: () => void): void, playground: boolean, widget: boolean, root: string }}
 */
function createStatic({ playgroundDir = PLAYGROUND_DIR, widgetDir, packageDir = PACKAGE_ROOT } = {}) {
  const playground = isSite(playgroundDir);
  const root = playground ? playgroundDir : PLACEHOLDER_DIR;
  const site = serveDir(root);
  const widgetRoot = widgetDir !== undefined ? widgetDir : WIDGET_DIRS.find((dir) => fs.existsSync(dir));
  const widget = widgetRoot !== undefined && isSite(widgetRoot) ? serveDir(widgetRoot) : undefined;
  // Looked up per request (dev mode): the package directory of a checkout also holds node_modules.
  const packageFiles = sirv(packageDir, { etag: true, gzip: true, brotli: true, dev: true, dotfiles: false, setHeaders: cacheHeaders });

  function handle(req, res, next) {
    const url = req.url || '/';
    if (url.startsWith(PACKAGE_PREFIX)) {
      const rest = url.slice(PACKAGE_PREFIX.length).split('?')[0];
      if (!PACKAGE_PUBLIC.test(rest)) return next();
      req.url = `/${rest}`;
      return packageFiles(req, res, () => {
        req.url = url;
        next();
      });
    }
    if (widget && (url === '/widget' || url.startsWith('/widget/') || url.startsWith('/widget?'))) {
      if (url === '/widget' || url.startsWith('/widget?')) {
        res.writeHead(308, { location: `/widget/${url.slice('/widget'.length)}` });
        return res.end();
      }
      req.url = url.slice('/widget'.length);
      return widget(req, res, () => {
        req.url = url;
        next();
      });
    }
    return site(req, res, next);
  }

  return { handle, playground, widget: widget !== undefined, root };
}

module.exports = { createStatic, isHashed, PLAYGROUND_DIR, PLACEHOLDER_DIR };
