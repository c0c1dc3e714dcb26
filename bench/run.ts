// `npm run bench [-- --quick] [--json] [suite ...] [--flag value ...]`: runs the benchmark
// suites (all by default) and prints each one's figures.
import { legacySigning } from './legacy-signing.js';
import type { BenchOptions, BenchResult, BenchSuite } from './suite.js';

const suites: BenchSuite[] = [legacySigning];

function parseArgs(argv: string[]): { names: string[]; json: boolean; options: BenchOptions } {
  const names: string[] = [];
  const flags: BenchOptions['flags'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      names.push(arg);
      continue;
    }
    const name = arg.slice(2);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--') && !['quick', 'json', 'cpu-prof', 'in-process'].includes(name)) {
      flags[name] = next;
      i++;
    } else flags[name] = true;
  }
  return { names, json: flags['json'] === true, options: { quick: flags['quick'] === true, flags } };
}

function print(result: BenchResult): void {
  const width = Math.max(...result.rows.map(([label]) => label.length));
  process.stdout.write(`\n${result.suite}: ${result.title}\n`);
  for (const [label, value] of result.rows) process.stdout.write(`  ${label.padEnd(width)}  ${value}\n`);
  if (result.targetMet !== undefined) process.stdout.write(`  target ${result.targetMet ? 'met' : 'NOT met'}\n`);
}

const { names, json, options } = parseArgs(process.argv.slice(2));
const unknown = names.filter((n) => !suites.some((s) => s.name === n));
if (unknown.length) {
  process.stderr.write(`unknown suite(s): ${unknown.join(', ')}; available: ${suites.map((s) => s.name).join(', ')}\n`);
  process.exit(2);
}
const results: BenchResult[] = [];
for (const suite of suites.filter((s) => names.length === 0 || names.includes(s.name))) {
  if (!json) process.stdout.write(`running ${suite.name}: ${suite.description}${options.quick ? ' (quick)' : ''}...\n`);
  const result = await suite.run(options);
  results.push(result);
  if (!json) print(result);
}
if (json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
