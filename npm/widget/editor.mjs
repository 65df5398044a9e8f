// The editor of <pacto-validator editable>: a textarea with a line-number gutter that marks the
// lines with problems. Loaded on first use, so read-only widgets never pay for it. Tab keeps its
// usual meaning (move focus), so a keyboard user is never trapped in the editor.

/** Offset of a 1-based line/column (UTF-16 code units) in `text`. */
function offsetOf(text, position) {
  let offset = 0;
  for (let line = 1; line < position.line; line += 1) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(text.length, offset + position.column - 1);
}

export function createEditor(container, { value, label, onChange }) {
  const frame = document.createElement('div');
  frame.className = 'editor-frame';
  frame.setAttribute('part', 'editor-frame');
  const gutter = document.createElement('pre');
  gutter.className = 'gutter';
  gutter.setAttribute('aria-hidden', 'true');
  const area = document.createElement('textarea');
  area.spellcheck = false;
  area.setAttribute('autocapitalize', 'off');
  area.setAttribute('autocomplete', 'off');
  area.setAttribute('aria-label', label);
  area.setAttribute('part', 'textarea');
  area.value = value;
  frame.append(gutter, area);
  container.replaceChildren(frame);

  let marks = new Map();
  const paint = () => {
    const lines = area.value.split('\n').length;
    area.rows = lines;
    const parts = [];
    for (let n = 1; n <= lines; n += 1) {
      const severity = marks.get(n);
      parts.push(severity ? `<span class="${severity === 'error' ? 'bad' : 'warn'}">${n}</span>` : String(n));
    }
    gutter.innerHTML = parts.join('\n');
  };
  area.addEventListener('input', () => {
    paint();
    onChange(area.value);
  });
  paint();

  return {
    get value() {
      return area.value;
    },
    set value(text) {
      area.value = text;
      paint();
    },
    /** Marks the lines of the result's diagnostics in the gutter. */
    mark(result) {
      marks = new Map();
      for (const d of [...(result?.warnings ?? []), ...(result?.errors ?? [])]) {
        if (d.range) marks.set(d.range.start.line, d.severity);
      }
      paint();
    },
    /** Selects a diagnostic's range and moves the focus there. */
    select(range) {
      const start = offsetOf(area.value, range.start);
      const end = Math.max(start, offsetOf(area.value, range.end));
      area.focus();
      area.setSelectionRange(start, end);
      const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 19;
      frame.scrollTop = Math.max(0, (range.start.line - 3) * lineHeight);
    },
    focus() {
      area.focus();
    },
  };
}
