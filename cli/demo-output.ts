// The demo's report as text on stdout (progress as for keygen/sign: a redrawn status line on a
// terminal, log lines otherwise); with --json only the progress, on stderr.
import { schemeInfo } from '../protocol/frost/index.js';
import { isDklsScheme } from '../protocol/threshold-schemes.js';
import type { DemoOutput } from './demo/output.js';
import type { DemoResult } from './demo/run.js';
import type { ThresholdRun } from './demo/threshold.js';
import { verifiersOf } from './demo/verify.js';
import { printLine } from './output.js';
import { createProgressDisplay } from './progress.js';

/** A check's first column. */
const status = (ok: boolean) => (ok ? 'verified' : 'NOT VERIFIED').padEnd(15);
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
    check: (c) => printLine(`  ${status(c.ok)} ${c.what}`),
    note: warn,
    progress,
  };
}

/** `; <kind> address <address>` per address the run's key has (none: ''). */
function addressesOf(run: ThresholdRun): string {
  const { scheme, keygen } = run;
  if (isDklsScheme(scheme)) {
    return `; P2WPKH address ${keygen.address ?? '?'}; Ethereum address ${keygen.ethereumAddress ?? '?'}`;
  }
  const kind = schemeInfo(scheme).address?.kind;
  return kind && keygen.address ? `; ${kind} address ${keygen.address}` : '';
}

/** One line per scheme (when there were several): who verified it, and its address if any. */
function printSchemeLines(runs: ThresholdRun[]): void {
  const width = Math.max(...runs.map((r) => r.scheme.length));
  printLine('\nthreshold signatures, per scheme:');
  for (const run of runs) {
    const ok = run.checks.every((c) => c.ok);
    const verifiers = verifiersOf(run.scheme);
    printLine(`  ${status(ok)} ${run.scheme.padEnd(width)}  ${verifiers}${addressesOf(run)}`);
  }
}

/** The closing lines: what was verified, and where the data is. */
export function printDemoSummary(result: DemoResult): void {
  if (result.runs.length > 1) printSchemeLines(result.runs);
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
