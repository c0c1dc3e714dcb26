// Small statistics for benchmark figures: every suite reports the median of several
// repetitions (this machine is shared and noisy) with the spread beside it.

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/** Latencies in ms, collected into a bounded buffer. */
export class LatencyRecorder {
  private readonly values: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }

  add(ms: number): void {
    if (this.count < this.values.length) this.values[this.count++] = ms;
  }

  get size(): number {
    return this.count;
  }

  /** p50 and p99 of what was recorded. */
  summary(): { p50: number; p99: number } {
    const sorted = this.values.slice(0, this.count).sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }
}

/** Wall time of `fn` in ms. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** `values` as `median (min–max)`, formatted by `fmt`. */
export function spread(values: readonly number[], fmt: (n: number) => string): string {
  if (values.length < 2) return fmt(median(values));
  return `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
}
