'use strict';
// Untrusted text made safe for the terminal, the CLI's last line of defence:
// messages built in wasm are already safe (pacto-core's safe_text), but the
// CLI adds paths, refs and Node error messages of its own. The same rule as
// the core: control characters (Cc), format characters (Cf: bidirectional
// overrides and isolates, zero-width characters, the BOM) and the line and
// paragraph separators are escaped as \u{202e} (\t and \r as themselves), and
// long values are cut with an ellipsis. Newlines are kept only where the CLI
// itself puts them (multiline messages and hints are made safe line by line).

const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const NAMED = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * @param {unknown} text
 * @param {number} [maxChars] cut longer results (an escape is never split)
 * @returns {string}
 */
function printable(text, maxChars = Infinity) {
  const escaped = String(text).replace(UNSAFE, (c) => NAMED[c] || `\\u{${c.codePointAt(0).toString(16)}}`);
  const chars = Array.from(escaped);
  if (chars.length <= maxChars) return escaped;
  let cut = Math.max(0, maxChars - 1);
  // Do not leave half an escape at the end.
  const tail = chars.slice(Math.max(0, cut - 9), cut).join('');
  const open = tail.lastIndexOf('\\u{');
  if (open !== -1 && !tail.slice(open).includes('}')) cut -= tail.length - open;
  return `${chars.slice(0, cut).join('')}…`;
}

/** A multiline text made safe line by line (its line breaks and tabs are the CLI's own). */
function printableLines(text, maxCharsPerLine = Infinity) {
  return String(text)
    .split('\n')
    .map((line) => line.split('\t').map((part) => printable(part, maxCharsPerLine)).join('\t'))
    .join('\n');
}

/**
 * A copy of a JSON-like value with every string in it (object keys too) made
 * printable: for rendering results that quote contract text (diff values,
 * paths and reasons) in the human formats, before the CLI adds its own colours.
 */
function printableDeep(value) {
  if (typeof value === 'string') return printable(value);
  if (Array.isArray(value)) return value.map(printableDeep);
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[printable(k)] = printableDeep(v);
    return out;
  }
  return value;
}

module.exports = { printable, printableLines, printableDeep };
