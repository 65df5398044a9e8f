// Timing and summary statistics.
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function mean(xs) {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

export function min(xs) {
  return xs.length ? Math.min(...xs) : NaN;
}

export function max(xs) {
  return xs.length ? Math.max(...xs) : NaN;
}

/** Median absolute deviation relative to the median, in percent: a robust spread. */
export function madPercent(xs) {
  const m = median(xs);
  return (median(xs.map((x) => Math.abs(x - m))) / m) * 100;
}

export function summary(xs) {
  return {
    samples: xs.map((x) => round(x, 3)),
    median: round(median(xs), 3),
    min: round(min(xs), 3),
    max: round(max(xs), 3),
    mean: round(mean(xs), 3),
    madPercent: round(madPercent(xs), 2),
  };
}

export function round(x, digits = 2) {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Calls fn() `iterations` times and returns the mean µs per call (after one untimed call). */
export function microsPerCall(fn, iterations) {
  fn();
  const t0 = now();
  for (let i = 0; i < iterations; i++) fn();
  return ((now() - t0) * 1000) / iterations;
}
