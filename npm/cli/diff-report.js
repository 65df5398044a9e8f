'use strict';
// Renders a diff result (classification, changes, SBOM changes, warnings) in
// the four output formats. Every renderer returns the whole stdout text.
//
// The text and markdown layouts follow the Go tool's (spec/diff.md §9), so
// that its users recognise them; the warnings blocks and the escaping in
// markdown tables are ours.

const {
  escapeGithubData,
  escapeGithubProperty,
  escapeMarkdown,
  markdownMessage,
  codeSpan,
} = require('./report.js');
const { printableDeep, printableLines } = require('./printable.js');

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', red: '\x1b[31m', yellow: '\x1b[33m', green: '\x1b[32m' };

const CLASS_STYLE = {
  BREAKING: ANSI.red + ANSI.bold,
  POTENTIAL_BREAKING: ANSI.yellow + ANSI.bold,
  NON_BREAKING: ANSI.green,
};

function paint(enabled, style, text) {
  return enabled && style ? `${style}${text}${ANSI.reset}` : text;
}

const has = (object, key) => object !== null && typeof object === 'object' && Object.hasOwn(object, key);

/** A change value as the Go tool prints it with %v: strings as they are, the rest as JSON. */
function plain(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * ` [old -> new]` for a modification with both values, ` [+ new]` for an
 * addition with a new value, ` [- old]` for a removal with an old value, else ''.
 */
function valueSuffix(change) {
  const hasOld = has(change, 'old');
  const hasNew = has(change, 'new');
  if (change.type === 'modified' && hasOld && hasNew) return ` [${plain(change.old)} -> ${plain(change.new)}]`;
  if (change.type === 'added' && hasNew) return ` [+ ${plain(change.new)}]`;
  if (change.type === 'removed' && hasOld) return ` [- ${plain(change.old)}]`;
  return '';
}

function sbomChanges(result) {
  return result.sbom && Array.isArray(result.sbom.changes) ? result.sbom.changes : [];
}

function dependencyDiffs(result) {
  return Array.isArray(result.dependencyDiffs) ? result.dependencyDiffs : [];
}

function graphChanged(result) {
  const g = result.graphDiff;
  return Boolean(g && Array.isArray(g.changes) && g.changes.length > 0);
}

/** diff.md §9.2: nothing in the root, no dependency entry, no graph change, no SBOM change. */
function isEmpty(result) {
  return (
    result.changes.length === 0 &&
    sbomChanges(result).length === 0 &&
    dependencyDiffs(result).length === 0 &&
    !graphChanged(result)
  );
}

/** The changed part of the dependency tree (diff.md §9.4), without its final newline. */
function graphTreeLines(result) {
  const tree = result.graphDiff && typeof result.graphDiff.tree === 'string' ? result.graphDiff.tree : '';
  return tree.replace(/\n$/, '').split('\n');
}

/** Every warning: the root's, then each dependency's, named. */
function allWarnings(result) {
  const out = result.warnings.map((w) => ({ ...w, dependency: undefined }));
  for (const d of dependencyDiffs(result)) {
    for (const w of Array.isArray(d.warnings) ? d.warnings : []) out.push({ ...w, dependency: d.name });
  }
  return out;
}

/**
 * The JSON document: the result as the wasm side gave it (change objects
 * untouched), with the arguments as typed.
 */
function toJson(result, { oldPath, newPath }) {
  const doc = { classification: result.classification, changes: result.changes };
  if (result.sbom !== undefined && result.sbom !== null) doc.sbom = result.sbom;
  doc.warnings = result.warnings;
  if (Array.isArray(result.dependencyDiffs)) {
    doc.dependencyDiffs = result.dependencyDiffs.map((d) => {
      const { dependencyDiffs: _nested, ...entry } = d;
      return entry;
    });
  }
  if (result.graphDiff) {
    // The tree text is for the text and markdown reports; the JSON has the tree itself.
    const { tree: _text, ...graphDiff } = result.graphDiff;
    doc.graphDiff = graphDiff;
  }
  doc.oldPath = oldPath;
  doc.newPath = newPath;
  return doc;
}

function renderJson(result, context) {
  return `${JSON.stringify(toJson(result, context), null, 2)}\n`;
}

function sbomTextLine(c) {
  if (c.type === 'added') return `  + ${c.package}@${c.newValue ?? ''}`;
  if (c.type === 'removed') return `  - ${c.package}@${c.oldValue ?? ''}`;
  return `  ~ ${c.package} ${c.field}: ${c.oldValue ?? ''} -> ${c.newValue ?? ''}`;
}

function warningLines(warnings) {
  return warnings.map((w) => `  ${w.dependency ? `${w.dependency}: ` : ''}${w.side} ${w.file}: ${w.message}`);
}

function renderText(result, { color = false } = {}) {
  const lines = [`Classification: ${paint(color, CLASS_STYLE[result.classification], result.classification)}`];
  const changeLine = (c) => {
    const tag = paint(color, CLASS_STYLE[c.classification], `[${c.classification}]`);
    return `  ${tag} ${c.path} (${c.type}): ${c.reason}${valueSuffix(c)}`;
  };
  if (isEmpty(result)) {
    lines.push('No changes detected.');
  } else {
    if (result.changes.length > 0) {
      lines.push(`Changes (${result.changes.length}):`, ...result.changes.map(changeLine));
    }
    for (const d of dependencyDiffs(result)) {
      const tag = paint(color, CLASS_STYLE[d.classification], `[${d.classification}]`);
      lines.push('', `Dependency ${d.name} ${tag} (${d.changes.length}):`, ...d.changes.map(changeLine));
      const sbom = sbomChanges(d);
      if (sbom.length > 0) lines.push('', `SBOM changes (${sbom.length}):`, ...sbom.map(sbomTextLine));
    }
    if (graphChanged(result)) {
      lines.push('', 'Dependency graph changes:', ...graphTreeLines(result));
    }
    const sbom = sbomChanges(result);
    if (sbom.length > 0) {
      lines.push('', `SBOM changes (${sbom.length}):`, ...sbom.map(sbomTextLine));
    }
  }
  const warnings = allWarnings(result);
  if (warnings.length > 0) {
    lines.push('', `Warnings (${warnings.length}):`, ...warningLines(warnings));
  }
  return `${lines.join('\n')}\n`;
}

// An Old / New cell: empty when the value is absent; an empty string shows as `""`.
function valueCell(object, key) {
  if (!has(object, key)) return '';
  const value = object[key];
  return value === '' ? codeSpan('""') : codeSpan(plain(value));
}

function changeRow(c) {
  return `| ${c.classification} | ${codeSpan(c.path)} | ${c.type} | ${markdownMessage(c.reason)} | ${valueCell(c, 'old')} | ${valueCell(c, 'new')} |`;
}

// In SBOM tables an empty string is absent (the JSON leaves it out anyway).
function sbomCell(value) {
  return value === undefined || value === null || value === '' ? '' : codeSpan(value);
}

function sbomRow(c) {
  return `| ${codeSpan(c.package)} | ${c.type} | ${escapeMarkdown(c.field)} | ${sbomCell(c.oldValue)} | ${sbomCell(c.newValue)} |`;
}

const CHANGE_TABLE = ['| Classification | Path | Type | Reason | Old | New |', '|---|---|---|---|---|---|'];
const SBOM_TABLE = ['| Package | Type | Field | Old | New |', '|---|---|---|---|---|'];

function renderMarkdown(result) {
  const lines = ['## Contract Diff', '', `**Classification:** \`${result.classification}\``, ''];
  if (isEmpty(result)) {
    lines.push('No changes detected.', '');
  } else {
    if (result.changes.length > 0) {
      lines.push(`### Changes (${result.changes.length})`, '', ...CHANGE_TABLE, ...result.changes.map(changeRow), '');
    }
    for (const d of dependencyDiffs(result)) {
      lines.push(`### Dependency: ${escapeMarkdown(d.name)} (\`${d.classification}\`)`, '');
      if (d.changes.length > 0) lines.push(...CHANGE_TABLE, ...d.changes.map(changeRow), '');
      const sbom = sbomChanges(d);
      if (sbom.length > 0) {
        lines.push(`#### SBOM Changes: ${escapeMarkdown(d.name)}`, '', ...SBOM_TABLE, ...sbom.map(sbomRow), '');
      }
    }
    if (graphChanged(result)) {
      // A blank line after the fence too (the Go tool has none; some renderers then join the next heading).
      lines.push('### Dependency Graph Changes', '', '```', ...graphTreeLines(result), '```', '');
    }
    const sbom = sbomChanges(result);
    if (sbom.length > 0) {
      lines.push('### SBOM Changes', '', ...SBOM_TABLE, ...sbom.map(sbomRow), '');
    }
  }
  const warnings = allWarnings(result);
  if (warnings.length > 0) {
    lines.push(
      `### Warnings (${warnings.length})`,
      '',
      ...warnings.map(
        (w) =>
          `- ${w.dependency ? `${escapeMarkdown(w.dependency)}: ` : ''}${w.side} ${codeSpan(w.file)}: ${markdownMessage(w.message)}`,
      ),
      '',
    );
  }
  // One trailing newline, not a blank line.
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

const ANNOTATED = { BREAKING: 'error', POTENTIAL_BREAKING: 'warning' };

/**
 * @param {object} result
 * @param {{ annotationFile: (side: 'old' | 'new', file: string) => string | undefined }} context
 *   annotationFile: the path of a bundle file as GitHub should show it, or
 *   undefined when the side is not a directory on disk.
 */
function renderGithub(result, { annotationFile }) {
  const lines = [];
  for (const c of result.changes) {
    const command = ANNOTATED[c.classification];
    if (!command) continue;
    const props = [];
    const file = c.location ? annotationFile('new', c.location.file) : undefined;
    if (file !== undefined) {
      const { start, end } = c.location.range;
      props.push(
        `file=${escapeGithubProperty(file)}`,
        `line=${start.line}`,
        `col=${start.column}`,
        `endLine=${end.line}`,
        `endColumn=${end.column}`,
      );
    }
    props.push(`title=${escapeGithubProperty(`${c.classification} ${c.path}`)}`);
    lines.push(`::${command} ${props.join(',')}::${escapeGithubData(`${c.reason}${valueSuffix(c)}`)}`);
  }
  // A dependency's files are not in the compared bundles: its annotations carry no file.
  for (const d of dependencyDiffs(result)) {
    for (const c of d.changes) {
      const command = ANNOTATED[c.classification];
      if (!command) continue;
      const title = `${c.classification} dependency ${d.name}: ${c.path}`;
      lines.push(`::${command} title=${escapeGithubProperty(title)}::${escapeGithubData(`${c.reason}${valueSuffix(c)}`)}`);
    }
  }
  for (const w of allWarnings(result)) {
    const props = [];
    const file = w.dependency ? undefined : annotationFile(w.side, w.file);
    if (file !== undefined) props.push(`file=${escapeGithubProperty(file)}`);
    const where = w.dependency ? `dependency ${w.dependency}: ${w.side} ${w.file}` : `${w.side} ${w.file}`;
    props.push(`title=${escapeGithubProperty(`pacto diff: ${where}`)}`);
    lines.push(`::warning ${props.join(',')}::${escapeGithubData(w.message)}`);
  }
  lines.push(`Classification: ${result.classification}`);
  return `${lines.join('\n')}\n`;
}

/**
 * @param {{ classification: string, changes: object[], sbom?: object, warnings: object[] }} result
 * @param {'text' | 'json' | 'markdown' | 'github'} format
 * @param {{ oldPath: string, newPath: string, color?: boolean,
 *           annotationFile?: (side: 'old' | 'new', file: string) => string | undefined }} context
 */
function renderDiff(result, format, context) {
  // The human formats go to a terminal or a CI log: contract text in them (values, paths,
  // reasons) is made printable first. JSON escapes control characters itself.
  const shown = format === 'json' ? result : printableDeep(result);
  // The graph tree is drawn on several lines by the core: made printable line by line.
  if (shown !== result && result.graphDiff && typeof result.graphDiff.tree === 'string') {
    shown.graphDiff.tree = printableLines(result.graphDiff.tree);
  }
  const normalized = {
    ...shown,
    changes: Array.isArray(shown.changes) ? shown.changes : [],
    warnings: Array.isArray(shown.warnings) ? shown.warnings : [],
  };
  switch (format) {
    case 'json':
      return renderJson(normalized, context);
    case 'markdown':
      return renderMarkdown(normalized);
    case 'github':
      return renderGithub(normalized, { annotationFile: () => undefined, ...context });
    default:
      return renderText(normalized, context);
  }
}

module.exports = { renderDiff, valueSuffix, codeSpan, escapeMarkdown };
