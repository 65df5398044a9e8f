// The JS side of the playground's editor: CodeMirror 6 set up for contract bundles, plus the few
// browser chores that are easier in JS (reading dropped folders, downloads, the clipboard).
// esbuild bundles this file into one ES module (dist/editor.js); the Rust side reaches it through
// glue.js (src/editor.rs). Positions cross the boundary as 1-based line and column, columns in
// UTF-16 code units: the core's diagnostic ranges, which are CodeMirror's offsets within a line.

import { EditorState } from '@codemirror/state';
import {
  EditorView,
  crosshairCursor,
  drawSelection,
  dropCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import {
  HighlightStyle,
  bracketMatching,
  foldGutter,
  foldKeymap,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { linter, lintGutter, setDiagnostics } from '@codemirror/lint';
import { yaml } from '@codemirror/lang-yaml';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { tags } from '@lezer/highlight';

export { readDataTransfer, readFileList, downloadBytes, copyText } from './files.js';

// Colours are CSS custom properties (style.css), so the light and dark themes switch without
// reconfiguring the editor.
const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--syn-key)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--syn-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--syn-number)' },
  { tag: [tags.keyword, tags.operatorKeyword, tags.typeName], color: 'var(--syn-keyword)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--syn-comment)', fontStyle: 'italic' },
  { tag: [tags.meta, tags.labelName, tags.processingInstruction], color: 'var(--syn-meta)' },
  { tag: [tags.punctuation, tags.separator, tags.bracket, tags.squareBracket, tags.brace], color: 'var(--syn-punct)' },
  { tag: tags.invalid, color: 'var(--danger)' },
]);

const chrome = EditorView.theme({
  '&': { height: '100%', backgroundColor: 'var(--editor-bg)', color: 'var(--fg)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--gutter-bg)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--active-line)', color: 'var(--fg)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection':
    { backgroundColor: 'var(--selection)' },
  '.cm-selectionMatch': { backgroundColor: 'var(--selection-match)' },
  '&.cm-focused .cm-matchingBracket': { backgroundColor: 'var(--selection-match)', outline: '1px solid var(--muted)' },
  '.cm-panels': { backgroundColor: 'var(--panel-bg)', color: 'var(--fg)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel-bg)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-diagnosticSource': { color: 'var(--muted)', opacity: '1' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-2px' },
});

function languageOf(path) {
  // JSON files (schemas, SBOMs) get their syntax errors marked as you type; the contract's
  // diagnostics come from the Rust side instead.
  if (/\.json$/i.test(path)) return [json(), linter(jsonParseLinter(), { delay: 300 })];
  if (/\.ya?ml$/i.test(path)) return [yaml()];
  return [];
}

function extensionsFor(path, onDocChanged) {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    foldGutter(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    syntaxHighlighting(highlight),
    bracketMatching(),
    closeBrackets(),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    // Long lines wrap: no sideways scrolling, which matters most on a phone.
    EditorView.lineWrapping,
    search({ top: true }),
    lintGutter(),
    keymap.of([
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...searchKeymap,
      ...historyKeymap,
      ...foldKeymap,
      indentWithTab,
    ]),
    // tabindex: contenteditable is focusable anyway; saying so lets checkers (axe) see that the
    // scrolling editor can be reached by keyboard.
    EditorView.contentAttributes.of({ 'aria-label': `Contents of ${path}`, tabindex: '0' }),
    EditorState.tabSize.of(2),
    chrome,
    languageOf(path),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onDocChanged();
    }),
  ];
}

const CHEAP_CHECK_MS = 4;

/** One editor view; each file keeps its own state (text, selection, undo history). */
export class PactoEditor {
  /**
   * @param {HTMLElement} parent
   * @param {(path: string, text: string) => void} onChange called after edits, at most once a task
   */
  constructor(parent, onChange) {
    this.onChange = onChange;
    this.states = new Map();
    this.path = '';
    this.pending = false;
    this.lastCheckMs = 0;
    this.view = new EditorView({ parent, state: this.createState('', '') });
  }

  createState(path, text) {
    return EditorState.create({
      doc: text,
      extensions: extensionsFor(path, () => this.scheduleChange()),
    });
  }

  // Validation runs after the keystroke has been applied (CodeMirror has updated its state and
  // DOM), never inside the key handler. While a check is cheap (a few ms: contracts of a few KB),
  // it runs in a microtask, so the frame that shows the typed character shows its diagnostics
  // too; once checks get costly it moves to a task of its own, so input events go first and
  // edits landing meanwhile are checked once.
  scheduleChange() {
    if (this.pending) return;
    this.pending = true;
    const path = this.path;
    const run = () => {
      this.pending = false;
      if (this.path !== path) return;
      const start = performance.now();
      this.onChange(path, this.view.state.doc.toString());
      // The Rust side's effects run in microtasks queued by onChange: this one runs after them.
      queueMicrotask(() => {
        this.lastCheckMs = performance.now() - start;
      });
    };
    if (this.lastCheckMs < CHEAP_CHECK_MS) queueMicrotask(run);
    else setTimeout(run, 0);
  }

  /** Shows `path`; keeps its history when the text is still the one last edited here. */
  open(path, text) {
    if (this.pending) {
      this.pending = false;
      this.onChange(this.path, this.view.state.doc.toString());
    }
    if (this.path) this.states.set(this.path, this.view.state);
    const saved = this.states.get(path);
    const state = saved && saved.doc.toString() === text ? saved : this.createState(path, text);
    this.path = path;
    this.view.setState(state);
  }

  /** Drops the saved state of a file (deleted, renamed, or replaced by a new workspace). */
  forget(path) {
    this.states.delete(path);
  }

  forgetAll() {
    this.states.clear();
  }

  /** `json`: [{ line, column, endLine, endColumn, severity, code, message }], 1-based. */
  setDiagnostics(json) {
    const doc = this.view.state.doc;
    const list = JSON.parse(json).map((d) => ({
      from: offsetOf(doc, d.line, d.column),
      to: offsetOf(doc, d.endLine, d.endColumn),
      severity: d.severity,
      source: d.code,
      message: d.message,
    }));
    for (const d of list) if (d.to < d.from) d.to = d.from;
    this.view.dispatch(setDiagnostics(this.view.state, list));
  }

  /** Selects a range, scrolls it into view and focuses the editor. */
  select(line, column, endLine, endColumn) {
    const doc = this.view.state.doc;
    const anchor = offsetOf(doc, line, column);
    const head = Math.max(anchor, offsetOf(doc, endLine, endColumn));
    this.view.dispatch({
      selection: { anchor, head },
      effects: EditorView.scrollIntoView(anchor, { y: 'center' }),
    });
    this.view.focus();
  }

  /** The cursor as [line, column], 1-based. */
  cursor() {
    const pos = this.view.state.selection.main.head;
    const line = this.view.state.doc.lineAt(pos);
    return [line.number, pos - line.from + 1];
  }

  focus() {
    this.view.focus();
  }
}

function offsetOf(doc, line, column) {
  if (!(line >= 1)) return 0;
  if (line > doc.lines) return doc.length;
  const l = doc.line(line);
  return Math.min(l.to, l.from + Math.max(0, (column || 1) - 1));
}
