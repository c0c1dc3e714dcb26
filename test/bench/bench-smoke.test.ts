// The benchmark runner's plumbing and the persistence suite's workload, for correctness only
// (benchmarks print figures; no timing is asserted here).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, selectSuites } from '../../bench/args.js';
import { listFlag, numberFlag } from '../../bench/suite.js';
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

  it('the persistence replay writes exactly the rows the session runtime wrote', () => {
    const dir = tempDir('sigsocket-bench-test-');
    try {
      const fixture = workloadFixture();
      const original = openDatabaseFile(path.join(dir, 'runtime.db'));
      const captured = captureTransactions(original.sqlite, (db) => {
        const runtime = storeRuntime(db);
        driveSessions(runtime, fixture, 2, 'kg');
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
