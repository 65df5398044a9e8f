// `pacto-wasm/widget`: <pacto-validator>, contract validation that a portal embeds with one tag.
//
//   <script type="module" src="/node_modules/pacto-wasm/widget/index.mjs"></script>
//   <pacto-validator src="/contracts/orders/pacto.yaml"></pacto-validator>
//
// Every widget on a page shares one WebAssembly instance (pacto-wasm/web's init is loaded once
// and shared). Styles live in the shadow root as a constructed stylesheet, so a page under a
// strict Content-Security-Policy (no 'unsafe-inline' styles) renders it; the wasm needs
// 'wasm-unsafe-eval' in script-src. The editor of `editable` is a separate module, imported on
// first use.
import initialize, { explain, pull, unpack, validate } from '../web.mjs';
import { STYLES } from './styles.mjs';

const ATTRIBUTES = ['src', 'ref', 'proxy', 'editable', 'theme', 'compact', 'explain', 'wasm-url'];
const BOOLEAN = new Set(['editable', 'compact', 'explain']);
/** Referenced files fetched next to a pacto.yaml `src`: at most this many, each at most MAX_FILE. */
const MAX_FILES = 50;
const MAX_FILE = 10 * 1024 * 1024;

let defaultWasmUrl;

/** Where every widget loads pacto.wasm from (before the first widget loads; default: next to the glue). */
export function configure(options = {}) {
  if (options.wasmUrl !== undefined) defaultWasmUrl = options.wasmUrl;
}

function loadWasm(url) {
  return initialize(url || defaultWasmUrl || undefined);
}

/** The text of a 1-based range (columns in UTF-16 code units) in `text`. */
function textAt(text, range) {
  const lines = text.split('\n');
  const offset = (pos) => {
    let at = 0;
    for (let i = 0; i < pos.line - 1 && i < lines.length; i += 1) at += lines[i].length + 1;
    return at + pos.column - 1;
  };
  return text.slice(offset(range.start), offset(range.end));
}

/** The path a FILE_NOT_FOUND diagnostic points at, as written in pacto.yaml (quotes removed). */
function referencedPath(text, diagnostic) {
  if (diagnostic.code !== 'FILE_NOT_FOUND' || !diagnostic.range) return undefined;
  let value = textAt(text, diagnostic.range).trim();
  if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
  // Only plain bundle-relative paths: nothing absolute, no scheme, no `..`.
  if (!value || value.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(value) || value.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    return undefined;
  }
  return value;
}

async function fetchBytes(url) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch (error) {
    throw new Error(`${url}: ${error.message}`);
  }
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
  const length = Number(response.headers.get('content-length'));
  if (length > 50 * 1024 * 1024) throw new Error(`${url}: ${length} bytes is more than a bundle may hold (50 MiB)`);
  return new Uint8Array(await response.arrayBuffer());
}

const isArchive = (url, bytes) => /\.(tar\.gz|tgz|tar)$/i.test(url.pathname) || (bytes[0] === 0x1f && bytes[1] === 0x8b);
const decoder = new TextDecoder();
const asText = (value) => (typeof value === 'string' ? value : decoder.decode(value));

/**
 * Fetches the files that `result` reports missing (FILE_NOT_FOUND) from next to `base`, the URL
 * of pacto.yaml; each path is tried once (`tried`). Resolves with the files that arrived.
 */
async function fetchMissing(bundle, result, base, tried) {
  const text = asText(bundle['pacto.yaml'] ?? '');
  const paths = [...new Set(result.errors.map((d) => referencedPath(text, d)).filter((p) => p && !tried.has(p)))];
  const files = {};
  await Promise.all(
    paths.map(async (path) => {
      if (tried.size >= MAX_FILES) return;
      tried.add(path);
      try {
        const file = await fetchBytes(new URL(path, base));
        if (file.length <= MAX_FILE) files[path] = file;
      } catch {
        // Missing stays missing: validation reports FILE_NOT_FOUND at the line that names it.
      }
    }),
  );
  return files;
}

/** A bundle from a URL: a .tar.gz, or a pacto.yaml and the files it references, resolved next to it. */
async function loadFromUrl(src, baseUrl, tried) {
  const url = new URL(src, baseUrl);
  const bytes = await fetchBytes(url);
  if (isArchive(url, bytes)) return { bundle: unpack(bytes) };
  const bundle = { 'pacto.yaml': decoder.decode(bytes) };
  Object.assign(bundle, await fetchMissing(bundle, validate(bundle), url, tried));
  return { bundle, base: url };
}

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function verdictText(result) {
  const counts = [];
  if (result.errors.length) counts.push(plural(result.errors.length, 'error'));
  if (result.warnings.length) counts.push(plural(result.warnings.length, 'warning'));
  if (result.valid) return counts.length ? `Valid contract, ${counts.join(', ')}` : 'Valid contract';
  return `Invalid contract: ${counts.join(', ')}`;
}

let sheet;
function styles() {
  if (sheet === undefined) {
    try {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
    } catch {
      sheet = null; // No constructable stylesheets: a <style> element instead.
    }
  }
  return sheet;
}

export class PactoValidator extends HTMLElement {
  static get observedAttributes() {
    return ATTRIBUTES;
  }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const css = styles();
    if (css) root.adoptedStyleSheets = [css];
    else root.append(element('style', {}, STYLES));
    this._verdict = element('p', { part: 'verdict', class: 'verdict', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' }, 'Loading…');
    this._editorSlot = element('div', { part: 'editor', class: 'editor', hidden: '' });
    this._summary = element('dl', { part: 'explain', class: 'explain', hidden: '' });
    this._list = element('ul', { part: 'problems', class: 'problems', 'aria-label': 'Problems' });
    const box = element('div', { part: 'container', class: 'container' });
    box.append(this._verdict, this._summary, this._editorSlot, this._list);
    root.append(box);
    this._bundle = undefined;
    this._result = undefined;
    this._loadToken = 0;
    this._scheduled = false;
  }

  connectedCallback() {
    this._connected = true;
    this._reload();
  }

  disconnectedCallback() {
    this._connected = false;
  }

  attributeChangedCallback(name, oldValue, value) {
    if (oldValue === value || !this._connected) return;
    if (name === 'src' || name === 'ref' || name === 'proxy') this._reload();
    else if (this._result) this._render();
    else this._renderEditor();
  }

  /** The bundle being validated: path -> string | Uint8Array, `pacto.yaml` at its root. */
  get bundle() {
    return this._bundle;
  }

  set bundle(value) {
    this._loadToken += 1; // A later load must not overwrite a bundle set by hand.
    this._setBundle(value);
  }

  /** The latest validation result (undefined before the first). */
  get result() {
    return this._result;
  }

  /** Validates the current bundle now; resolves with the result. */
  async validate() {
    await loadWasm(this.wasmUrl);
    return this._validateNow();
  }

  _setBundle(value) {
    if (value === null || typeof value !== 'object') {
      this._fail(new TypeError('bundle must be an object of path -> string | Uint8Array'));
      return;
    }
    this._bundle = { ...value };
    this._editorText = undefined;
    this._base = undefined;
    this._schedule();
  }

  async _reload() {
    const token = ++this._loadToken;
    const { src, ref } = this;
    if (!src && !ref) {
      if (this._bundle) this._schedule();
      else {
        this._showVerdict(this.editable ? 'No contract yet: write one below' : 'No contract yet', 'idle');
        this._renderEditor();
      }
      return;
    }
    this._showVerdict('Loading…', 'idle');
    try {
      await loadWasm(this.wasmUrl);
      const tried = new Set();
      const loaded = src ? await loadFromUrl(src, document.baseURI, tried) : { bundle: (await pull(ref, { proxy: this.proxy || undefined })).bundle };
      if (token !== this._loadToken) return;
      this._setBundle(loaded.bundle);
      // Files referenced later (while editing) are fetched from next to pacto.yaml too.
      this._base = loaded.base;
      this._tried = tried;
    } catch (error) {
      if (token === this._loadToken) this._fail(error);
    }
  }

  _fail(error) {
    const message = error && error.message ? error.message : String(error);
    this._result = undefined;
    this._showVerdict(`Could not load the contract: ${message}`, 'failed');
    this._list.replaceChildren();
    this.dispatchEvent(new CustomEvent('pacto-error', { bubbles: true, composed: true, detail: { message, error } }));
  }

  _schedule() {
    if (this._scheduled) return;
    this._scheduled = true;
    loadWasm(this.wasmUrl).then(
      () => {
        this._scheduled = false;
        if (this._bundle) this._validateNow();
      },
      (error) => {
        this._scheduled = false;
        this._fail(error);
      },
    );
  }

  _validateNow() {
    if (!this._bundle) return undefined;
    const result = validate(this._bundle);
    this._result = result;
    this._render();
    this.dispatchEvent(new CustomEvent('pacto-validated', { bubbles: true, composed: true, detail: result }));
    if (this._base && !result.valid) {
      const base = this._base;
      fetchMissing(this._bundle, result, base, this._tried).then((files) => {
        if (Object.keys(files).length === 0 || base !== this._base) return;
        this._bundle = { ...files, ...this._bundle };
        this._schedule();
      });
    }
    return result;
  }

  _showVerdict(text, state) {
    this._verdict.textContent = text;
    this._verdict.dataset.state = state;
  }

  _render() {
    const result = this._result;
    if (!result) return;
    this._showVerdict(verdictText(result), result.valid ? (result.warnings.length ? 'warnings' : 'valid') : 'invalid');
    this._renderExplain();
    this._renderEditor();
    const compact = this.compact;
    this._list.hidden = compact;
    if (compact) return;
    const diagnostics = [...result.errors, ...result.warnings].sort(
      (a, b) => (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0) || (a.range?.start.column ?? 0) - (b.range?.start.column ?? 0),
    );
    const editable = this.editable;
    this._list.replaceChildren(
      ...diagnostics.map((d) => {
        const where = d.range ? `${d.range.start.line}:${d.range.start.column}` : '';
        const item = element('li', { part: `problem problem-${d.severity}`, class: `problem ${d.severity}` });
        const label = `${d.severity === 'error' ? 'Error' : 'Warning'} ${d.code}${where ? ` at line ${d.range.start.line}, column ${d.range.start.column}` : ''}${d.path ? `, ${d.path}` : ''}: ${d.message}`;
        // A button's name is its visible text (WCAG 2.5.3); a read-only row gets a spelled-out label.
        const body = editable && d.range ? element('button', { type: 'button', title: 'Go to the problem' }) : element('div', { 'aria-label': label, role: 'group' });
        body.className = 'problem-body';
        body.append(
          element('span', { class: 'severity', part: 'severity' }, d.severity),
          element('code', { class: 'code', part: 'code' }, d.code),
          element('span', { class: 'where', part: 'location' }, where),
          element('span', { class: 'path', part: 'path' }, d.path),
          element('span', { class: 'message', part: 'message' }, d.message),
        );
        if (body.tagName === 'BUTTON') body.addEventListener('click', () => this._editor?.select(d.range));
        item.append(body);
        return item;
      }),
    );
  }

  _renderExplain() {
    const show = this.explain && !this.compact;
    this._summary.hidden = true;
    if (!show) return;
    let data;
    try {
      data = JSON.parse(explain(this._bundle, 'json'));
    } catch {
      return; // pacto.yaml does not parse: the problems say why.
    }
    const rows = [
      ['Service', `${data.name}@${data.version}`],
      ['Owner', data.owner],
      ['Workload', data.runtime && [data.runtime.workloadType, data.runtime.stateType].filter(Boolean).join(', ')],
      ['Interfaces', (data.interfaces ?? []).map((i) => `${i.name} (${i.type}${i.port ? ` :${i.port}` : ''})`).join(', ')],
      ['Dependencies', data.dependencies?.length ? String(data.dependencies.length) : ''],
    ].filter(([, value]) => value);
    this._summary.replaceChildren(...rows.flatMap(([key, value]) => [element('dt', {}, key), element('dd', {}, value)]));
    this._summary.hidden = false;
  }

  async _renderEditor() {
    if (!this.editable) {
      this._editorSlot.hidden = true;
      return;
    }
    this._editorSlot.hidden = false;
    const text = asText(this._bundle?.['pacto.yaml'] ?? '');
    if (!this._editor) {
      if (this._editorLoading) return;
      this._editorLoading = import('./editor.mjs').then(({ createEditor }) => {
        this._editor = createEditor(this._editorSlot, {
          value: text,
          label: 'pacto.yaml',
          onChange: (value) => {
            this._editorText = value;
            this._bundle = { ...this._bundle, 'pacto.yaml': value };
            this._schedule();
          },
        });
        this._editorText = text;
        this._editor.mark(this._result);
        // The bundle may have changed while the editor loaded.
        this._renderEditor();
      });
      return;
    }
    if (text !== this._editorText) {
      this._editorText = text;
      this._editor.value = text;
    }
    this._editor.mark(this._result);
  }
}

for (const name of ATTRIBUTES) {
  const property = name.replace(/-(\w)/g, (_, c) => c.toUpperCase());
  Object.defineProperty(PactoValidator.prototype, property, {
    configurable: true,
    get() {
      return BOOLEAN.has(name) ? this.hasAttribute(name) : (this.getAttribute(name) ?? (name === 'theme' ? 'auto' : ''));
    },
    set(value) {
      if (BOOLEAN.has(name)) this.toggleAttribute(name, Boolean(value));
      else if (value === null || value === undefined) this.removeAttribute(name);
      else this.setAttribute(name, String(value));
    },
  });
}

/** Registers <pacto-validator> (or another tag name); a no-op when it is already registered. */
export function define(tag = 'pacto-validator') {
  if (!customElements.get(tag)) customElements.define(tag, tag === 'pacto-validator' ? PactoValidator : class extends PactoValidator {});
  return customElements.get(tag);
}

/**
 * Renders a validator into `target` without writing the tag: for hosts (React, Vue, plain DOM
 * code) that create it from script. Returns a handle; `destroy()` removes it.
 */
export function mount(target, options = {}) {
  define();
  const widget = document.createElement('pacto-validator');
  const { bundle, onValidated, onError, ...rest } = options;
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) widget[key] = value;
  if (onValidated) widget.addEventListener('pacto-validated', (event) => onValidated(event.detail));
  if (onError) widget.addEventListener('pacto-error', (event) => onError(event.detail));
  if (bundle) widget.bundle = bundle;
  target.append(widget);
  return {
    element: widget,
    setBundle(next) {
      widget.bundle = next;
    },
    validate: () => widget.validate(),
    destroy() {
      widget.remove();
    },
  };
}

define();
