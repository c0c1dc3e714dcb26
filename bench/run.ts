// `npm run bench [-- suite ...] [--quick] [--json] [--no-save] [--flag value ...]`: runs the
// benchmark suites (all by default), prints each one's figures as tables and writes the run's
// record (machine, Node version, every figure) to bench/results/bench-<time>.json (another
// directory: SIGSOCKET_BENCH_RESULTS_DIR).
import { parseBenchArgs, selectSuites } from './args.js';
import { machineInfo } from './support/machine.js';
import { formatResult, saveRecord } from './support/report.js';
import { suites } from './suites.js';
import type { BenchResult } from './suite.js';

const args = parseBenchArgs(process.argv.slice(2));
if (args.help) {
  process.stdout.write(
    'npm run bench -- [suite ...] [--quick] [--json] [--no-save] [--cpu-prof] [--<flag> <value>]\n' +
      suites.map((s) => `  ${s.name.padEnd(18)} ${s.description}`).join('\n') +
      '\nSuite flags are documented in docs/performance.md. Records and profiles go to ' +
      'bench/results/ (SIGSOCKET_BENCH_RESULTS_DIR: another directory).\n',
  );
  process.exit(0);
}
let selected;
try {
  selected = selectSuites(suites, args.names);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}

const startedAt = new Date();
const machine = machineInfo();
const log = (text: string) => (args.json ? process.stderr : process.stdout).write(text);
log(
  `${machine.cpuModel} x${machine.cores}, Node ${machine.node}, load ${machine.loadAverage.join(' ')}\n`,
);
const results: BenchResult[] = [];
for (const suite of selected) {
  log(`running ${suite.name}: ${suite.description}${args.options.quick ? ' (quick)' : ''}...\n`);
  const started = performance.now();
  const result = await suite.run(args.options);
  result.data['suiteSeconds'] = Number(((performance.now() - started) / 1000).toFixed(1));
  results.push(result);
  log(formatResult(result));
}
const record = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  quick: args.options.quick,
  machine: { ...machine, loadAverageAtEnd: machineInfo().loadAverage },
  suites: results,
};
if (!args.noSave) log(`\nrecord: ${saveRecord(record, startedAt)}\n`);
if (args.json) process.stdout.write(JSON.stringify(record, null, 2) + '\n');
