// Printing a suite's result as tables, and writing the run's JSON record.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult, BenchTable } from '../suite.js';

/** bench/results/, or SIGSOCKET_BENCH_RESULTS_DIR (the smoke test points it at a temp dir). */
export const resultsDir = process.env['SIGSOCKET_BENCH_RESULTS_DIR']
  ? path.resolve(process.env['SIGSOCKET_BENCH_RESULTS_DIR'])
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');

function table(t: BenchTable): string {
  const widths = t.columns.map((c, i) =>
    Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    '  | ' +
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') +
    ' |';
  return [
    `  ${t.title}`,
    line(t.columns),
    '  |' +
      widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') +
      '|',
    ...t.rows.map(line),
  ].join('\n');
}

export function formatResult(result: BenchResult): string {
  const out = [`\n${result.suite}: ${result.title}`];
  const width = Math.max(0, ...result.rows.map(([label]) => label.length));
  for (const [label, value] of result.rows) out.push(`  ${label.padEnd(width)}  ${value}`);
  for (const t of result.tables ?? []) out.push('', table(t));
  for (const t of result.targets ?? []) {
    out.push(`  target ${t.met ? 'met    ' : 'NOT met'}  ${t.name}: ${t.measured}`);
  }
  for (const note of result.notes ?? []) out.push(`  note: ${note}`);
  return out.join('\n') + '\n';
}

/** Writes `record` to <resultsDir>/bench-<time>.json and returns the path. */
export function saveRecord(record: object, startedAt: Date): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const file = path.join(resultsDir, `bench-${stamp}.json`);
  fs.writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  return file;
}
