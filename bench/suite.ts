/** Options every benchmark suite understands. */
export interface BenchOptions {
  /** A reduced run (all suites together under 2 minutes) for smoke checks. */
  quick: boolean;
  /** Extra `--name value` flags from the command line, for the suite to read. */
  flags: Record<string, string | true>;
}

/** Any JSON value (what a suite may put in its figures). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A table of figures, one row per configuration (e.g. per n or per K). */
export interface BenchTable {
  title: string;
  columns: string[];
  rows: string[][];
}

export interface BenchTarget {
  /** What is aimed at, e.g. `p99 with 10k signers <= 1.5x the K=1 figure`. */
  name: string;
  met: boolean;
  /** The measured figure against it. */
  measured: string;
}

export interface BenchResult {
  suite: string;
  /** One headline line: what was measured under which conditions. */
  title: string;
  /** Label → formatted value, printed as a two-column table. */
  rows: [string, string][];
  /** Further tables (one row per configuration). */
  tables?: BenchTable[];
  /** Every raw figure, for the JSON record. */
  data: Record<string, Json>;
  targets?: BenchTarget[];
  /** Notes printed under the figures (how it was measured, what limits it). */
  notes?: string[];
}

/** A benchmark `npm run bench` can run. Add new suites to the list in bench/suites.ts. */
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

/** `--name 1,5,10` as positive numbers, or the fallback. */
export function listFlag(flags: BenchOptions['flags'], name: string, fallback: number[]): number[] {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const values = String(raw).split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new Error(`--${name} must be a comma-separated list of positive integers`);
  }
  return values;
}

export const fmtInt = (n: number) =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
export const fmtMs = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)} ms` : '-');
export const fmtRatio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '-');
export const fmtPct = (n: number) => (Number.isFinite(n) ? `${(100 * n).toFixed(0)}%` : '-');
export const fmtMb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
/** A number rounded for the JSON record. */
export const round = (n: number, digits = 2) =>
  Number.isFinite(n) ? Number(n.toFixed(digits)) : null;

/** A progress line on stderr (long suites say what they are doing). */
export const progress = (text: string) => process.stderr.write(`  .. ${text}\n`);
