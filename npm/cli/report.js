'use strict';
// Renders a validation result (valid flag, errors, warnings) in the four
// output formats. Used by `validate`, and by `explain` for a contract that
// cannot be parsed. Every renderer returns the whole stdout text.

const FORMATS = Object.freeze(['text', 'json', 'markdown', 'github']);

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', red: '\x1b[31m', yellow: '\x1b[33m', green: '\x1b[32m', dim: '\x1b[2m' };

function paint(enabled, style, text) {
  return enabled ? `${style}${text}${ANSI.reset}` : text;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `2 errors, 1 warning`; empty when there is nothing to count. */
function summaryLine(result) {
  const parts = [];
  if (result.errors.length > 0) parts.push(plural(result.errors.length, 'error'));
  if (result.warnings.length > 0) parts.push(plural(result.warnings.length, 'warning'));
  return parts.join(', ');
}

function displayPath(diagnostic) {
  return diagnostic.path === '' ? '(root)' : diagnostic.path;
}

function oneLine(text) {
  return String(text).replace(/\s*\r?\n\s*/g, ' ');
}

/** Errors first, then warnings, each in the order the validator gave. */
function allDiagnostics(result) {
  return [...result.errors, ...result.warnings];
}

/**
 * The shape printed as JSON, with a fixed key order whatever the wasm side gave.
 * @param {{ valid: boolean, errors: object[], warnings: object[] }} result
 */
function normalizeResult(result) {
  const diagnostic = (d) => {
    const out = { code: d.code, severity: d.severity, path: d.path, message: d.message };
    if (d.range) {
      out.range = {
        start: { line: d.range.start.line, column: d.range.start.column },
        end: { line: d.range.end.line, column: d.range.end.column },
      };
    }
    return out;
  };
  return {
    valid: Boolean(result.valid),
    errors: (result.errors || []).map(diagnostic),
    warnings: (result.warnings || []).map(diagnostic),
  };
}

function renderText(result, { target, contractFile, color }) {
  const lines = [];
  const verdict = result.valid ? `${target} is valid` : `${target} is invalid`;
  lines.push(paint(color, result.valid ? ANSI.green + ANSI.bold : ANSI.red + ANSI.bold, verdict));
  for (const d of allDiagnostics(result)) {
    const where = d.range ? `${contractFile}:${d.range.start.line}:${d.range.start.column}` : contractFile;
    const severity = paint(color, (d.severity === 'error' ? ANSI.red : ANSI.yellow) + ANSI.bold, d.severity);
    lines.push(`${where}: ${severity} ${paint(color, ANSI.dim, d.code)} ${displayPath(d)}: ${oneLine(d.message)}`);
  }
  const summary = summaryLine(result);
  if (summary) lines.push(summary);
  return `${lines.join('\n')}\n`;
}

function renderJson(result) {
  return `${JSON.stringify(result, null, 2)}\n`;
}

// Markdown text outside code spans: backslash-escape what could format or break the table.
function escapeMarkdown(text) {
  return String(text)
    .replace(/[\\`*_[\]<>|&~]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, '<br>');
}

// A message in a table cell. Messages quote contract paths and values in
// backticks: those stay code spans; the rest is escaped text.
function markdownMessage(text) {
  return String(text)
    .split(/(`[^`\n]+`)/)
    .map((part, i) => (i % 2 === 1 ? codeSpan(part.slice(1, -1)) : escapeMarkdown(part)))
    .join('');
}

// A code span in a table cell: `|` must still be escaped (GFM removes the
// backslash inside the span), and a backtick in the text needs a longer fence.
function codeSpan(text) {
  const body = String(text).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  let fence = '`';
  while (body.includes(fence)) fence += '`';
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

function renderMarkdown(result, { target, contractFile }) {
  const lines = [];
  lines.push(`## ${result.valid ? '✅' : '❌'} ${codeSpan(target)} is ${result.valid ? 'valid' : 'invalid'}`, '');
  const diagnostics = allDiagnostics(result);
  if (diagnostics.length === 0) {
    lines.push('No errors or warnings.');
    return `${lines.join('\n')}\n`;
  }
  lines.push('| Severity | Code | Path | Location | Message |', '| --- | --- | --- | --- | --- |');
  for (const d of diagnostics) {
    const where = d.range ? `${contractFile}:${d.range.start.line}:${d.range.start.column}` : contractFile;
    lines.push(
      `| ${d.severity} | ${codeSpan(d.code)} | ${codeSpan(displayPath(d))} | ${codeSpan(where)} | ${markdownMessage(d.message)} |`,
    );
  }
  lines.push('', `**${summaryLine(result)}**`);
  return `${lines.join('\n')}\n`;
}

// GitHub workflow commands: https://docs.github.com/actions/reference/workflow-commands-for-github-actions
function escapeGithubData(text) {
  return String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeGithubProperty(text) {
  return escapeGithubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function renderGithub(result, { target, contractFile }) {
  const lines = [];
  for (const d of allDiagnostics(result)) {
    const props = [`file=${escapeGithubProperty(contractFile)}`];
    if (d.range) {
      props.push(
        `line=${d.range.start.line}`,
        `col=${d.range.start.column}`,
        `endLine=${d.range.end.line}`,
        `endColumn=${d.range.end.column}`,
      );
    }
    props.push(`title=${escapeGithubProperty(d.code)}`);
    const command = d.severity === 'error' ? 'error' : 'warning';
    lines.push(`::${command} ${props.join(',')}::${escapeGithubData(`${displayPath(d)}: ${d.message}`)}`);
  }
  lines.push(result.valid ? `${target} is valid` : `${target} is invalid`);
  return `${lines.join('\n')}\n`;
}

/**
 * @param {{ valid: boolean, errors: object[], warnings: object[] }} result
 * @param {'text' | 'json' | 'markdown' | 'github'} format
 * @param {{ target: string, contractFile: string, color?: boolean }} context
 *   target: the bundle as the user typed it; contractFile: the pacto.yaml path to open
 */
function renderReport(result, format, context) {
  const normalized = normalizeResult(result);
  switch (format) {
    case 'json':
      return renderJson(normalized);
    case 'markdown':
      return renderMarkdown(normalized, context);
    case 'github':
      return renderGithub(normalized, context);
    default:
      return renderText(normalized, { color: false, ...context });
  }
}

module.exports = {
  FORMATS,
  renderReport,
  normalizeResult,
  escapeGithubData,
  escapeGithubProperty,
  summaryLine,
  escapeMarkdown,
  markdownMessage,
  codeSpan,
};
