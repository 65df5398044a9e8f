// Number formatting, target verdicts and the plain-text result table.

const nf = (digits) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const fmtInt = (n) => nf(0).format(Math.round(n));
export const fmtNum = (n, digits = 1) => nf(digits).format(n);
export const fmtMs = (ms) => `${fmtNum(ms, ms < 10 ? 2 : 1)} ms`;
export const fmtUs = (us) => `${fmtNum(us, us < 10 ? 2 : 1)} µs`;
export const fmtRatio = (r) => `${fmtNum(r, 2)}×`;
export const fmtPct = (p) => `${fmtNum(p, 1)}%`;

export function fmtBytes(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1000 * 1000) return `${fmtNum(bytes / 1000, 1)} KB`;
  return `${fmtNum(bytes / 1000 / 1000, 2)} MB`;
}

/** "1,234,567 B (1.23 MB)" */
export const fmtBytesExact = (bytes) => `${fmtInt(bytes)} B (${fmtBytes(bytes)})`;

// ---- targets -------------------------------------------------------------
// Each returns { status: 'PASS' | 'MISS', by: '…' } for the table, plus raw numbers for results.json.

/** measured ratio must be >= want (e.g. throughput ratio >= 2). */
export function atLeastRatio(ratio, want) {
  const pass = ratio >= want;
  return {
    status: pass ? 'PASS' : 'MISS',
    by: pass
      ? `${fmtPct((ratio / want - 1) * 100)} above target`
      : `${fmtPct((1 - ratio / want) * 100)} short; needs ${fmtRatio(want / ratio)} faster`,
    measured: ratio,
    target: want,
  };
}

/** measured ms must be <= reference ms. */
export function atMostMs(ms, refMs) {
  const pass = ms <= refMs;
  return {
    status: pass ? 'PASS' : 'MISS',
    by: pass
      ? `${fmtMs(refMs - ms)} (${fmtPct((1 - ms / refMs) * 100)}) faster`
      : `${fmtMs(ms - refMs)} (${fmtPct((ms / refMs - 1) * 100)}) slower`,
    measured: ms,
    target: refMs,
  };
}

/** measured bytes must be <= limit bytes. */
export function atMostBytes(bytes, limit) {
  const pass = bytes <= limit;
  return {
    status: pass ? 'PASS' : 'MISS',
    by: pass
      ? `${fmtBytes(limit - bytes)} (${fmtPct((1 - bytes / limit) * 100)}) under`
      : `${fmtBytes(bytes - limit)} (${fmtPct((bytes / limit - 1) * 100)}) over`,
    measured: bytes,
    target: limit,
  };
}

// ---- table ---------------------------------------------------------------

const COLUMNS = [
  ['metric', 'metric'],
  ['measured', 'measured'],
  ['target', 'target'],
  ['status', 'status'],
];

/**
 * Renders sections as one plain-text table with shared column widths.
 * sections: [{ title, subtitle?, rows: [{ metric, measured, target?, status?, by? }], notes: [string] }]
 */
export function renderReport(header, sections) {
  const cell = (row, key) => {
    if (key === 'status') return row.status ? `${row.status}${row.by ? ` (${row.by})` : ''}` : row.by ?? '';
    return row[key] == null ? '' : String(row[key]);
  };
  const widths = COLUMNS.map(([key, label]) =>
    Math.max(label.length, ...sections.flatMap((s) => s.rows.map((r) => cell(r, key).length))),
  );
  // The last column is not padded.
  const line = (values) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(Math.min(140, widths.reduce((a, b) => a + b + 2, 0)));

  const out = [...header, ''];
  out.push(line(COLUMNS.map(([, label]) => label)));
  for (const s of sections) {
    out.push(rule);
    out.push(`${s.title}${s.subtitle ? ` — ${s.subtitle}` : ''}`);
    for (const r of s.rows) out.push(line(COLUMNS.map(([key]) => cell(r, key))));
    for (const n of s.notes ?? []) out.push(`  · ${n}`);
  }
  out.push(rule);
  return out.join('\n');
}
