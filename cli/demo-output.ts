// The demo's report as text on stdout (progress as for keygen/sign: a redrawn status line on a
// terminal, log lines otherwise); with --json only the progress, on stderr.
import type { DemoOutput } from './demo/output.js';
import type { DemoResult } from './demo/run.js';
import { printLine } from './output.js';
import { createProgressDisplay } from './progress.js';

const warn = (text: string) => process.stderr.write(`sigsocket: ${text}\n`);

export function demoOutput(opts: { json: boolean }): DemoOutput {
  const progress = () => createProgressDisplay({ json: opts.json });
  if (opts.json) return { heading() {}, field() {}, check() {}, note: warn, progress };
  let first = true;
  return {
    heading: (text) => {
      printLine(first ? text : `\n${text}`);
      first = false;
    },
    field: (name, value) => printLine(`  ${name.padEnd(15)} ${value}`),
    check: (c) => printLine(`  ${(c.ok ? 'verified' : 'NOT VERIFIED').padEnd(15)} ${c.what}`),
    note: warn,
    progress,
  };
}

/** The closing lines: what was verified, and where the data is. */
export function printDemoSummary(result: DemoResult): void {
  if (result.ok) {
    const n = result.runs.length;
    const schemes = result.runs.map((r) => r.scheme).join(', ');
    const threshold = `${n} threshold signature${n === 1 ? '' : 's'} (${schemes})`;
    printLine(`\nall verified: ${threshold} and 1 single-key signature`);
  }
  if (result.sqlite.length === 0) return;
  printLine(`\nthe data is kept in ${result.dataDir}; look inside with:`);
  for (const command of result.sqlite) printLine(`  ${command}`);
}
