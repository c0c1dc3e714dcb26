/** Options every benchmark suite understands. */
export interface BenchOptions {
  /** A short run (seconds, not tens of seconds) for smoke checks and CI. */
  quick: boolean;
  /** Extra `--name value` flags from the command line, for the suite to read. */
  flags: Record<string, string | true>;
}

export interface BenchResult {
  suite: string;
  /** One headline line: what was measured under which conditions. */
  title: string;
  /** Label → formatted value, printed as a table. */
  rows: [string, string][];
  /** The raw figures, for --json. */
  data: Record<string, number | string | boolean>;
  /** Whether the suite's stated target was met (if it has one). */
  targetMet?: boolean;
}

/** A benchmark `npm run bench` can run. Add new suites to the list in bench/run.ts. */
export interface BenchSuite {
  name: string;
  description: string;
  run(opts: BenchOptions): Promise<BenchResult>;
}

export function numberFlag(flags: BenchOptions['flags'], name: string, fallback: number): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtMs = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
