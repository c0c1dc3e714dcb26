// What persistence costs: session transitions per second through the real session runtime
// (XState transition + snapshot + events + audit rows, one SQLite transaction each, WAL with
// synchronous=FULL as the server runs it) versus raw better-sqlite3 replaying the very same
// statements and parameters (captured from a run of the runtime) in the same transactions; and,
// end to end, the share of a 2-of-3 keygen + signing's wall time spent in SQLite.
import fs from 'node:fs';
import path from 'node:path';
import { openDatabaseFile } from '../db/open.js';
import { tempDir } from '../harness/temp-dir.js';
import { collectGarbage } from './support/gc.js';
import { startSessionCluster } from './support/session-cluster.js';
import { endToEnd } from './support/session-runs.js';
import { median, spread } from './support/stats.js';
import {
  TRANSITIONS_PER_SESSION,
  bytesPerTransaction,
  captureTransactions,
  driveSessions,
  replayTransactions,
  storeRuntime,
  workloadFixture,
} from './support/store-workload.js';
import { meterSqlite } from './support/time-spent.js';
import { fmtInt, fmtMs, fmtPct, numberFlag, round, type BenchSuite } from './suite.js';

export const persistence: BenchSuite = {
  name: 'persistence',
  description:
    'session transitions/s through the session store vs raw better-sqlite3 writes of the same bytes',
  async run({ quick, flags }) {
    const sessions = numberFlag(flags, 'sessions', quick ? 20 : 80);
    const repeats = numberFlag(flags, 'repeats', quick ? 2 : 3);
    const e2eSessions = numberFlag(flags, 'e2e-sessions', quick ? 2 : 4);
    const dir = tempDir('sigsocket-bench-store-');
    const open = (name: string, synchronous = 'FULL') => {
      const opened = openDatabaseFile(path.join(dir, `${name}.db`));
      opened.sqlite.pragma(`synchronous = ${synchronous}`);
      return {
        ...opened,
        // Deleted at once: dirty pages left behind (synchronous=OFF) would slow the next fsyncs.
        close() {
          opened.close();
          for (const suffix of ['', '-wal', '-shm'])
            fs.rmSync(opened.file + suffix, { force: true });
        },
      };
    };
    try {
      const fixture = workloadFixture();
      const captureDb = open('capture');
      const captured = captureTransactions(captureDb.sqlite, (db) => {
        const runtime = storeRuntime(db);
        driveSessions(runtime, fixture, sessions, 'kg');
        runtime.close();
      });
      captureDb.close();
      const transitions = sessions * TRANSITIONS_PER_SESSION;
      if (captured.length !== transitions)
        throw new Error(`captured ${captured.length} transactions, expected ${transitions}`);

      const runtimeRates: number[] = [];
      const runtimeSqliteShare: number[] = [];
      const rawRates: number[] = [];
      const rawNoSyncRates: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const db = open(`runtime-${r}`);
        const meter = meterSqlite(db.sqlite);
        const runtime = storeRuntime(db.db);
        collectGarbage();
        const t0 = performance.now();
        driveSessions(runtime, fixture, sessions, 'kg');
        const ms = performance.now() - t0;
        runtime.close();
        runtimeRates.push(transitions / (ms / 1000));
        runtimeSqliteShare.push(meter.read().ms / ms);
        meter.restore();
        db.close();
        for (const [rates, sync] of [
          [rawRates, 'FULL'],
          [rawNoSyncRates, 'OFF'],
        ] as const) {
          const raw = open(`raw-${sync}-${r}`, sync);
          collectGarbage();
          const t1 = performance.now();
          replayTransactions(raw.sqlite, captured);
          rates.push(transitions / ((performance.now() - t1) / 1000));
          raw.close();
        }
      }
      const runtimeRate = median(runtimeRates);
      const rawRate = median(rawRates);
      const rawNoSync = median(rawNoSyncRates);

      // End to end: the share of a session's wall time spent in SQLite on the server.
      const cluster = await startSessionCluster(3);
      let e2e;
      try {
        await endToEnd(cluster, 'frost-secp256k1', 2, 1); // warm-up
        e2e = await endToEnd(cluster, 'frost-secp256k1', 2, e2eSessions);
      } finally {
        await cluster.close();
      }
      const sqliteShare = e2e.sqlite.ms / e2e.wallMs;
      const perTransition = (rate: number) => 1000 / rate;
      return {
        suite: 'persistence',
        title:
          `${sessions} keygen sessions x ${TRANSITIONS_PER_SESSION} transitions (create, 3 answers, 3 round-1, 3 round-2, abort), ` +
          `median of ${repeats}; WAL, synchronous=FULL; then ${e2eSessions} 2-of-3 keygen + signing end to end`,
        rows: [
          [
            'session runtime (XState + Drizzle + SQLite)',
            `${spread(runtimeRates, fmtInt)} transitions/s (${fmtMs(perTransition(runtimeRate))} each)`,
          ],
          [
            '  of which inside SQLite transactions and statements',
            `${fmtPct(median(runtimeSqliteShare))} (Drizzle's query building included)`,
          ],
          [
            'raw better-sqlite3, same statements and bytes',
            `${spread(rawRates, fmtInt)} transitions/s (${fmtMs(perTransition(rawRate))} each)`,
          ],
          ['runtime / raw', fmtPct(runtimeRate / rawRate)],
          [
            'raw with synchronous=OFF (no fsync, not durable)',
            `${spread(rawNoSyncRates, fmtInt)} transitions/s: the commit fsync is ${fmtMs(perTransition(rawRate) - perTransition(rawNoSync))} of each transition`,
          ],
          [
            'bytes written per transition',
            `${fmtInt(bytesPerTransaction(captured))} (snapshot, events, audit)`,
          ],
          [
            'end to end: SQLite per 2-of-3 keygen + signing',
            `${fmtMs(e2e.sqlite.ms / e2eSessions)} in ${fmtInt(e2e.sqlite.calls / e2eSessions)} transactions and statements`,
          ],
          ['end to end: share of the session wall time in SQLite', fmtPct(sqliteShare)],
        ],
        data: {
          sessions,
          transitionsPerSession: TRANSITIONS_PER_SESSION,
          repeats,
          runtimeTransitionsPerSecond: runtimeRates.map(Math.round),
          runtimeSqliteShare: runtimeSqliteShare.map((x) => round(x, 3)),
          rawTransitionsPerSecond: rawRates.map(Math.round),
          rawNoSyncTransitionsPerSecond: rawNoSyncRates.map(Math.round),
          runtimeOverRaw: round(runtimeRate / rawRate, 3),
          bytesPerTransition: Math.round(bytesPerTransaction(captured)),
          e2eSessions,
          e2eSqliteMsPerSession: round(e2e.sqlite.ms / e2eSessions, 1),
          e2eSqliteCallsPerSession: round(e2e.sqlite.calls / e2eSessions, 1),
          e2eWallMsPerSession: round(e2e.wallMs / e2eSessions, 1),
          e2eSqliteShare: round(sqliteShare, 3),
        },
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
