'use strict';
// The static side of `pacto serve`: the built playground (npm/dist/playground,
// else a placeholder page that says how to build it) at `/`, and the widget
// example at `/widget/` when it exists. sirv does the file serving: types
// (application/wasm included), precompressed .br/.gz variants when the client
// accepts them, ETag and Range. Long-lived caching only for content-hashed
// file names; everything else is revalidated.

const fs = require('node:fs');
const path = require('node:path');
const sirv = require('sirv');

const PACKAGE_ROOT = path.resolve(__dirname, '..');
const PLAYGROUND_DIR = path.join(PACKAGE_ROOT, 'dist', 'playground');
const PLACEHOLDER_DIR = path.join(__dirname, 'placeholder');
const WIDGET_DIRS = [path.join(PACKAGE_ROOT, 'dist', 'widget'), path.join(PACKAGE_ROOT, 'widget')];

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
 * @param {{ playgroundDir?: string, widgetDir?: string }} [options] directories
 *   to serve instead of the package's (tests)
 * @returns {{ handle(req, res, next: () => void): void, playground: boolean, widget: boolean, root: string }}
 */
function createStatic({ playgroundDir = PLAYGROUND_DIR, widgetDir } = {}) {
  const playground = isSite(playgroundDir);
  const root = playground ? playgroundDir : PLACEHOLDER_DIR;
  const site = serveDir(root);
  const widgetRoot = widgetDir !== undefined ? widgetDir : WIDGET_DIRS.find((dir) => fs.existsSync(dir));
  const widget = widgetRoot !== undefined && fs.existsSync(widgetRoot) ? serveDir(widgetRoot) : undefined;

  function handle(req, res, next) {
    const url = req.url || '/';
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
