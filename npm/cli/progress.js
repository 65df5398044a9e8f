'use strict';
// Transfer progress on stderr: one line, rewritten in place, only when stderr
// is a terminal. Piped or redirected stderr (CI logs) gets nothing.

const PHASE_LABELS = {
  resolve: 'Resolving',
  manifest: 'Fetching manifest',
  download: 'Downloading',
  upload: 'Uploading',
};
const MIN_INTERVAL_MS = 80;

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * @param {{ isTTY?: boolean, write: (text: string) => unknown, columns?: number }} stderr
 * @param {string} what shown before the phase, e.g. the reference
 * @returns {{ onProgress?: (event: object) => void, clear: () => void }}
 *   onProgress is undefined when stderr is not a terminal.
 */
function createProgress(stderr, what) {
  if (!stderr || !stderr.isTTY) return { onProgress: undefined, clear() {} };
  let shown = false;
  let last = 0;
  let lastPhase;
  const clear = () => {
    if (shown) stderr.write('\r\x1b[2K');
    shown = false;
  };
  const onProgress = (event) => {
    if (!event || typeof event !== 'object') return;
    if (event.phase === 'done') {
      clear();
      return;
    }
    const now = Date.now();
    const finished = typeof event.total === 'number' && event.bytes === event.total;
    if (event.phase === lastPhase && now - last < MIN_INTERVAL_MS && !finished) return;
    last = now;
    lastPhase = event.phase;
    let line = `${what}: ${PHASE_LABELS[event.phase] || String(event.phase)}`;
    if (typeof event.digest === 'string') line += ` ${event.digest.replace(/^sha256:/, '').slice(0, 12)}`;
    if (typeof event.bytes === 'number') {
      line += ` ${formatBytes(event.bytes)}`;
      if (typeof event.total === 'number' && event.total > 0) {
        line += ` / ${formatBytes(event.total)} (${Math.min(100, Math.floor((event.bytes / event.total) * 100))}%)`;
      }
    }
    const width = (stderr.columns || 80) - 1;
    if (line.length > width) line = `${line.slice(0, width - 1)}…`;
    stderr.write(`\r\x1b[2K${line}`);
    shown = true;
  };
  return { onProgress, clear };
}

module.exports = { createProgress, formatBytes };
