// The benchmark runner's plumbing, the persistence suite's workload, and every suite run end to
// end at its smallest sizes through bench/run.ts (what `npm run bench` runs), for correctness
// only: the JSON record's structure and sane figures. Benchmarks print figures; no timing is
// asserted here.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, selectSuites } from '../../bench/args.js';
import { schemesFlag } from '../../bench/ciphersuites.js';
import { listFlag, numberFlag } from '../../bench/suite.js';
import { suites } from '../../bench/suites.js';
import { cryptoOnlySession } from '../../bench/support/frost-in-memory.js';
import { formatResult } from '../../bench/support/report.js';
import { median, percentile } from '../../bench/support/stats.js';
import {
  TRANSITIONS_PER_SESSION,
  captureTransactions,
  driveSessions,
  replayTransactions,
  storeRuntime,
  workloadFixture,
} from '../../bench/support/store-workload.js';
import { openDatabaseFile } from '../../db/open.js';
import { SCHEMES } from '../../protocol/frost/index.js';
import { tempDir } from '../support/server.js';

describe('bench runner', () => {
  it('parses suite names, boolean flags and valued flags', () => {
    const args = parseBenchArgs([
      'scaling-n',
      '--quick',
      '--n',
      '3,5',
      '--repeats=2',
      'persistence',
      '--cpu-prof',
    ]);
    expect(args.names).toEqual(['scaling-n', 'persistence']);
    expect(args.options.quick).toBe(true);
    expect(args.options.flags).toMatchObject({ n: '3,5', repeats: '2', 'cpu-prof': true });
    expect(listFlag(args.options.flags, 'n', [1])).toEqual([3, 5]);
    expect(numberFlag(args.options.flags, 'repeats', 5)).toBe(2);
    expect(numberFlag(args.options.flags, 'missing', 7)).toBe(7);
    expect(() => listFlag({ n: '3,x' }, 'n', [])).toThrow(/comma-separated/);
    expect(parseBenchArgs(['--json', '--no-save'])).toMatchObject({
      names: [],
      json: true,
      noSave: true,
    });
  });

  it('selects suites in their own order and names the known ones for an unknown one', () => {
    const all = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
    expect(selectSuites(all, []).map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(selectSuites(all, ['c', 'a']).map((s) => s.name)).toEqual(['a', 'c']);
    expect(() => selectSuites(all, ['x'])).toThrow('unknown suite(s): x; available: a, b, c');
  });

  it('measures every scheme, or the named ones after the frost-secp256k1 baseline', () => {
    expect(schemesFlag({})).toEqual(SCHEMES);
    expect(schemesFlag({ schemes: 'frost-ed448,frost-secp256k1,frost-p256' })).toEqual([
      'frost-secp256k1',
      'frost-ed448',
      'frost-p256',
    ]);
    expect(() => schemesFlag({ schemes: 'frost-ed25519,ed25519' })).toThrow(
      /unknown scheme ed25519/,
    );
  });

  it('prints rows, tables and targets', () => {
    const text = formatResult({
      suite: 's',
      title: 't',
      rows: [['rate', '1/s']],
      tables: [{ title: 'per n', columns: ['n', 'ms'], rows: [['3', '1.0 ms']] }],
      data: {},
      targets: [{ name: 'fast', met: false, measured: '1/s' }],
    });
    expect(text).toContain('rate  1/s');
    expect(text).toContain('| n |     ms |');
    expect(text).toContain('target NOT met  fast: 1/s');
  });

  it('computes medians and percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile(Float64Array.from([1, 2, 3, 4]), 50)).toBe(3);
  });
});

describe('bench workloads', () => {
  it('the crypto-only baseline runs a whole 2-of-3 keygen and signing', () => {
    const times = cryptoOnlySession('frost-secp256k1', 2, 3, '00'.repeat(32));
    expect(times.keygenMs).toBeGreaterThan(0);
    expect(times.signMs).toBeGreaterThan(0);
  });

  it('the persistence replay writes exactly the rows the session runtime wrote', async () => {
    const dir = tempDir('sigsocket-bench-test-');
    try {
      const fixture = workloadFixture();
      const original = openDatabaseFile(path.join(dir, 'runtime.db'));
      const captured = await captureTransactions(original.sqlite, async () => {
        const runtime = storeRuntime(original.db);
        await driveSessions(runtime, fixture, 2, 'kg');
        runtime.close();
      });
      expect(captured).toHaveLength(2 * TRANSITIONS_PER_SESSION);
      const replay = openDatabaseFile(path.join(dir, 'raw.db'));
      replayTransactions(replay.sqlite, captured);
      const rows = (db: typeof original, table: string) =>
        db.sqlite.prepare(`select * from ${table} order by rowid`).all();
      for (const table of ['sessions', 'session_events', 'audit_log']) {
        expect(rows(replay, table)).toEqual(rows(original, table));
      }
      expect(rows(original, 'sessions').map((r) => (r as { state: string }).state)).toEqual([
        'aborted',
        'aborted',
      ]);
      original.close();
      replay.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

/** `npm run bench -- <args>` (`tsx bench/run.ts`) in a child; rejects with its stderr on failure. */
function runBench(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsxCli, 'bench/run.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve({ stdout, stderr })
        : reject(
            new Error(`bench/run.ts ${args.join(' ')} exited (${code ?? signal}):\n${stderr}`),
          ),
    );
  });
}

type Data = Record<string, unknown>;
interface BenchRecord {
  startedAt: string;
  finishedAt: string;
  command: string;
  quick: boolean;
  machine: Data & { cpuModel: string; cores: number; node: string };
  suites: {
    suite: string;
    title: string;
    rows: [string, string][];
    data: Data;
    targets?: { name: string; met: boolean; measured: string }[];
  }[];
}

const positive = (value: unknown, what: string) => {
  expect(typeof value, what).toBe('number');
  expect(Number.isFinite(value) && (value as number) > 0, `${what} = ${value}`).toBe(true);
};
const positives = (values: unknown, what: string) => {
  expect(Array.isArray(values) && values.length > 0, what).toBe(true);
  (values as unknown[]).forEach((v, i) => positive(v, `${what}[${i}]`));
};

/** The record's frame: times, command, machine; each suite's title, rows and targets. */
function checkRecord(record: BenchRecord, names: string[]): void {
  expect(Number.isNaN(Date.parse(record.startedAt))).toBe(false);
  expect(Date.parse(record.finishedAt)).toBeGreaterThanOrEqual(Date.parse(record.startedAt));
  for (const name of names) expect(record.command).toContain(name);
  expect(record.quick).toBe(false);
  expect(record.machine.cpuModel).toMatch(/\S/);
  positive(record.machine.cores, 'cores');
  expect(record.machine.node).toBe(process.version); // the child runs this Node binary
  expect(record.suites.map((s) => s.suite)).toEqual(names);
  for (const s of record.suites) {
    expect(s.title).toMatch(/\S/);
    expect(s.rows.length).toBeGreaterThan(0);
    for (const row of s.rows) expect(row.every((cell) => typeof cell === 'string')).toBe(true);
    expect(s.data['suiteSeconds']).toBeGreaterThanOrEqual(0);
    for (const t of s.targets ?? []) expect(typeof t.met).toBe('boolean');
  }
}

/** Each suite's measured figure, its same-run baseline and their ratio: positive, finite. */
const checkFigures: Record<string, (d: Data) => void> = {
  'legacy-signing': (d) => {
    positive(d['signsPerSecond'], 'signsPerSecond');
    positive(d['p50Ms'], 'p50Ms');
    positive(d['p99Ms'], 'p99Ms');
    positive(d['verifyOnlyPerSecond'], 'verifyOnlyPerSecond (baseline)');
    positive(d['ratio'], 'ratio');
    expect(d['failed']).toBe(0);
    positive(d['cpuRatio'], 'cpuRatio');
    const direct = d['direct'] as Data;
    for (const k of ['signsPerSecond', 'verifyOnlyPerSecond', 'ratio', 'cpuRatio'])
      positive(direct[k], `direct.${k}`);
    expect(direct['failed']).toBe(0);
  },
  'connection-scale': (d) => {
    const steps = d['steps'] as Data[];
    expect(steps.map((s) => s['signers'])).toEqual([0, 0, 20]);
    for (const s of steps) {
      positive(s['rssBytes'], 'rssBytes');
      positive(s['p99Ms'], 'p99Ms');
      positive(s['baselineP99Ms'], 'baselineP99Ms (baseline)');
    }
    positive(d['p99Ratio'], 'p99Ratio');
    expect(d['failed']).toBe(0);
    const openFiles = d['openFiles'] as Data;
    expect(openFiles['serverSoft']).toBeGreaterThanOrEqual(openFiles['needed'] as number);
    expect(openFiles['crowdSoft']).toBeGreaterThanOrEqual(openFiles['needed'] as number);
  },
  'session-overhead': (d) => {
    positive(d['endToEndMedianMs'], 'endToEndMedianMs');
    positive(d['cryptoOnlyMedianMs'], 'cryptoOnlyMedianMs (baseline)');
    positive(d['latencyRatio'], 'latencyRatio');
    positives(d['endToEndSessionsPerSecond'], 'endToEndSessionsPerSecond');
    positives(d['cryptoOnlySessionsPerSecond'], 'cryptoOnlySessionsPerSecond (baseline)');
    positive(d['throughputShare'], 'throughputShare');
  },
  'scaling-n': (d) => {
    const points = d['points'] as Data[];
    expect(points.map((p) => [p['n'], p['t']])).toEqual([[3, 2]]);
    for (const key of ['Keygen', 'Sign']) {
      positive(points[0]![`e2e${key}Ms`], `e2e${key}Ms`);
      positive(points[0]![`crypto${key}Ms`], `crypto${key}Ms (baseline)`);
      positive(points[0]![`${key.toLowerCase()}Ratio`], `${key.toLowerCase()}Ratio`);
    }
    expect(points[0]!['signingCallCounts']).toMatchObject({ aggregate: 1 });
    expect(typeof d['aggregateOnceNoShareVerification']).toBe('boolean');
  },
  ciphersuites: (d) => {
    expect(d['baseline']).toBe('frost-secp256k1');
    const schemes = d['schemes'] as Data[];
    expect(schemes.map((s) => s['scheme'])).toEqual(SCHEMES); // all six, the baseline first
    for (const s of schemes) {
      for (const f of ['cryptoKeygen', 'e2eKeygen', 'cryptoSign', 'e2eSign']) {
        positive(s[`${f}Ms`], `${s['scheme']} ${f}Ms`);
        expect(s[`${f}MsSamples`], `${s['scheme']} ${f}MsSamples`).toHaveLength(1);
        positive(s[`${f}Ratio`], `${s['scheme']} ${f}Ratio`);
        if (s['scheme'] === d['baseline']) expect(s[`${f}Ratio`]).toBe(1);
      }
    }
  },
  persistence: (d) => {
    positives(d['runtimeTransitionsPerSecond'], 'runtimeTransitionsPerSecond');
    positives(d['rawTransitionsPerSecond'], 'rawTransitionsPerSecond (baseline)');
    positive(d['runtimeOverRaw'], 'runtimeOverRaw');
    positive(d['groupCommitOverRaw'], 'groupCommitOverRaw');
    positives(d['rawGroupedTransitionsPerSecond'], 'rawGroupedTransitionsPerSecond');
    expect(d['e2eSqliteShare']).toBeGreaterThanOrEqual(0);
  },
  restart: (d) => {
    expect(d['sessions']).toBe(20);
    for (const k of ['emptyMs', 'fullMs', 'ratio', 'restoreMs', 'fullRssBytes', 'dbBytes'])
      positive(d[k], k);
  },
  ecdsa: (d) => {
    const points = d['points'] as Data[];
    expect(points.map((p) => [p['n'], p['t']])).toEqual([[3, 2]]);
    for (const f of ['keygenMs', 'signMs', 'frostKeygenMs', 'frostSignMs'])
      positive(points[0]![f], f);
    const sent = (points[0]!['signBytes'] ?? {}) as Data;
    expect(Object.keys(sent).sort()).toEqual(['1', '2', '3']);
    for (const r of ['1', '2', '3']) positive(sent[r], `signing round ${r} bytes`);
  },
  'group-ops': (d) => {
    for (const op of [
      'mulBase (BASE.multiply)',
      'msm, 50 terms',
      'fromBytes (decode + validate)',
      'ecdh',
    ]) {
      const row = d[op] as Data;
      positive(row['nobleOps'], `${op} nobleOps`);
      positive(row['libsecp256k1Ops'], `${op} libsecp256k1Ops`);
      positive(row['ratio'], `${op} ratio`);
    }
  },
};

// The smallest sizes the flags allow. Flags are shared: --repeats and --duration-ms reach every
// suite that reads them (0.5 s windows: a closed-loop window on a busy machine still completes
// requests, so every figure has samples).
const TINY = {
  'legacy-signing': ['--signers', '2', '--callers', '2', '--warmup-ms', '300'],
  'connection-scale': ['--k', '20', '--subscriptions', '10', '--rate', '50'],
  'session-overhead': ['--concurrency', '2', '--batches', '1'],
  'scaling-n': ['--n', '3'],
  ciphersuites: ['--signs', '1'],
  persistence: ['--sessions', '2', '--sessions-at-once', '1,2', '--e2e-sessions', '1'],
  restart: ['--running-sessions', '20'],
  'group-ops': ['--calls', '2'],
  ecdsa: ['--signings', '1'], // and scaling-n's --n 3
};
const SHARED = ['--repeats', '1', '--duration-ms', '500'];

describe('npm run bench, end to end at the smallest sizes', () => {
  it('runs every suite and prints a record with baselines, ratios and the machine', async () => {
    const names = Object.keys(TINY);
    expect(names.sort()).toEqual(suites.map((s) => s.name).sort()); // a new suite belongs in TINY
    const ordered = suites.map((s) => s.name);
    const results = tempDir('sigsocket-bench-results-');
    try {
      const { stdout } = await runBench(
        [...ordered, ...Object.values(TINY).flat(), ...SHARED, '--no-save', '--json'],
        { SIGSOCKET_BENCH_RESULTS_DIR: results },
      );
      const record = JSON.parse(stdout) as BenchRecord;
      checkRecord(record, ordered);
      for (const s of record.suites) checkFigures[s.suite]!(s.data);
      expect(fs.readdirSync(results)).toEqual([]); // --no-save wrote nothing
    } finally {
      fs.rmSync(results, { recursive: true, force: true });
    }
  }, 180_000);

  it('writes the record to the results directory unless --no-save', async () => {
    const results = path.join(tempDir('sigsocket-bench-results-'), 'nested');
    try {
      const { stdout, stderr } = await runBench(
        ['persistence', ...TINY.persistence, '--repeats', '1', '--json'],
        { SIGSOCKET_BENCH_RESULTS_DIR: results },
      );
      const files = fs.readdirSync(results);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^bench-\d{4}-\d\d-\d\dT[\d-]+Z\.json$/);
      const file = path.join(results, files[0]!);
      expect(stderr).toContain(`record: ${file}`);
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchRecord;
      expect(saved).toEqual(JSON.parse(stdout));
      checkRecord(saved, ['persistence']);
      checkFigures['persistence']!(saved.suites[0]!.data);
    } finally {
      fs.rmSync(path.dirname(results), { recursive: true, force: true });
    }
  }, 120_000);
});
