import type { BenchOptions } from './suite.js';

/** Flags that take no value. */
export const BOOLEAN_FLAGS = ['quick', 'json', 'cpu-prof', 'in-process', 'help', 'no-save'];

export interface BenchArgs {
  /** Suites named on the command line (none: all). */
  names: string[];
  /** Print one JSON document instead of tables. */
  json: boolean;
  /** Do not write the run's record under bench/results/. */
  noSave: boolean;
  help: boolean;
  options: BenchOptions;
}

/**
 * `[suite ...] [--quick] [--json] [--flag value ...]`: bare words name suites; `--name value`
 * (or `--name=value`) flags go to the suites, which read the ones they know.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const names: string[] = [];
  const flags: BenchOptions['flags'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      names.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags[arg.slice(2, eq)] = arg.slice(eq + 1);
      continue;
    }
    const name = arg.slice(2);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--') && !BOOLEAN_FLAGS.includes(name)) {
      flags[name] = next;
      i++;
    } else flags[name] = true;
  }
  return {
    names,
    json: flags['json'] === true,
    noSave: flags['no-save'] === true,
    help: flags['help'] === true,
    options: { quick: flags['quick'] === true, flags },
  };
}

/** The suites to run, in the listed order; unknown names are an error naming the known ones. */
export function selectSuites<T extends { name: string }>(all: readonly T[], names: string[]): T[] {
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length) {
    const known = all.map((s) => s.name).join(', ');
    throw new Error(`unknown suite(s): ${unknown.join(', ')}; available: ${known}`);
  }
  return all.filter((s) => names.length === 0 || names.includes(s.name));
}
