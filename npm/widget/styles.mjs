// The widget's styles, adopted by each shadow root. Everything a host may restyle is a custom
// property on the host (`pacto-validator { --pacto-accent: rebeccapurple }`) or a ::part().
// Both built-in themes keep text at WCAG AA contrast (4.5:1) on their backgrounds.
export const STYLES = `
:host {
  --pacto-bg: #ffffff; --pacto-fg: #1f2328; --pacto-muted: #59636e; --pacto-border: #d1d9e0;
  --pacto-surface: #f6f8fa; --pacto-error: #cf222e; --pacto-warning: #9a6700; --pacto-ok: #1a7f37;
  --pacto-accent: #0969da; --pacto-radius: 6px;
  --pacto-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --pacto-mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  display: block; color: var(--pacto-fg); font: 14px/1.45 var(--pacto-font);
}
:host([hidden]), [hidden] { display: none !important; }
:host([theme="dark"]) {
  --pacto-bg: #0d1117; --pacto-fg: #e6edf3; --pacto-muted: #9198a1; --pacto-border: #3d444d;
  --pacto-surface: #151b23; --pacto-error: #ff7b72; --pacto-warning: #d29922; --pacto-ok: #3fb950;
  --pacto-accent: #4493f8;
}
@media (prefers-color-scheme: dark) {
  :host(:not([theme="light"]):not([theme="dark"])) {
    --pacto-bg: #0d1117; --pacto-fg: #e6edf3; --pacto-muted: #9198a1; --pacto-border: #3d444d;
    --pacto-surface: #151b23; --pacto-error: #ff7b72; --pacto-warning: #d29922; --pacto-ok: #3fb950;
    --pacto-accent: #4493f8;
  }
}
.container { background: var(--pacto-bg); border: 1px solid var(--pacto-border); border-radius: var(--pacto-radius); padding: 12px 14px; }
.verdict { margin: 0; font-weight: 600; display: flex; gap: 8px; align-items: center; }
.verdict::before { content: ""; width: 10px; height: 10px; border-radius: 50%; background: var(--pacto-muted); flex: none; }
.verdict[data-state="valid"]::before { background: var(--pacto-ok); }
.verdict[data-state="warnings"]::before { background: var(--pacto-warning); }
.verdict[data-state="invalid"]::before, .verdict[data-state="failed"]::before { background: var(--pacto-error); }
.verdict[data-state="failed"] { color: var(--pacto-error); }
.explain { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 10px 0 0; font-size: 13px; }
.explain dt { color: var(--pacto-muted); }
.explain dd { margin: 0; overflow-wrap: anywhere; }
.problems { list-style: none; margin: 10px 0 0; padding: 0; display: grid; gap: 4px; }
.problems:empty { display: none; }
.problem-body { all: unset; box-sizing: border-box; width: 100%; display: grid; grid-template-columns: auto auto auto 1fr; gap: 2px 10px; align-items: baseline; padding: 6px 8px; border-radius: 4px; background: var(--pacto-surface); border-left: 3px solid var(--pacto-error); font-size: 13px; }
.warning .problem-body { border-left-color: var(--pacto-warning); }
button.problem-body { cursor: pointer; }
button.problem-body:hover { outline: 1px solid var(--pacto-border); }
button.problem-body:focus-visible { outline: 2px solid var(--pacto-accent); outline-offset: 1px; }
.severity { font-weight: 600; text-transform: uppercase; font-size: 11px; color: var(--pacto-error); }
.warning .severity { color: var(--pacto-warning); }
.code { font-family: var(--pacto-mono); font-size: 12px; }
.where { font-family: var(--pacto-mono); font-size: 12px; color: var(--pacto-muted); }
.path { font-family: var(--pacto-mono); font-size: 12px; color: var(--pacto-muted); overflow-wrap: anywhere; }
.message { grid-column: 1 / -1; overflow-wrap: anywhere; }
.editor { margin-top: 10px; }
.editor-frame { display: grid; grid-template-columns: auto 1fr; border: 1px solid var(--pacto-border); border-radius: 4px; background: var(--pacto-bg); max-height: 28em; overflow: auto; }
.editor-frame:focus-within { outline: 2px solid var(--pacto-accent); outline-offset: 1px; }
.gutter { margin: 0; padding: 8px 8px 8px 10px; text-align: right; color: var(--pacto-muted); background: var(--pacto-surface); font: 13px/1.5 var(--pacto-mono); user-select: none; white-space: pre; }
.gutter .bad { color: var(--pacto-error); font-weight: 700; }
.gutter .warn { color: var(--pacto-warning); font-weight: 700; }
textarea { all: unset; box-sizing: border-box; display: block; width: 100%; min-height: 12em; padding: 8px 10px; font: 13px/1.5 var(--pacto-mono); color: var(--pacto-fg); white-space: pre; overflow: hidden; resize: none; tab-size: 2; caret-color: var(--pacto-accent); }
`;
