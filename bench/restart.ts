// Start-up with many running sessions: `sigsocket serve` on a data directory holding N keygen
// sessions waiting for their invitations (24 h deadlines, as a coordinator that never gets
// answers leaves them), timed from spawn to listening, against the same start on an empty data
// directory measured in the same run. The sessions are written through the session runtime
// in-process (the same rows, events and audit as keygen.create), not through N tRPC calls.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabaseFile } from '../db/open.js';
import type { KeygenInput } from '../machines/index.js';
import { ProtocolRegistry } from '../server/sessions/protocols.js';
import { median } from './support/stats.js';
import { startServerProcess } from './support/server-process.js';
import { storeRuntime, workloadFixture } from './support/store-workload.js';
import {
  fmtInt,
  fmtMb,
  fmtMs,
  fmtRatio,
  numberFlag,
  progress,
  round,
  type BenchSuite,
} from './suite.js';

const DAY_MS = 24 * 3_600_000;
/** The target: 10,000 running sessions restart in at most 2 s. */
const TARGET_MS = 2_000;

/** A data directory holding `count` running keygens of one coordinator. */
async function populate(count: number): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigsocket-bench-restart-'));
  const opened = openDatabaseFile(path.join(dataDir, 'sigsocket.db'));
  opened.sqlite.pragma('synchronous = OFF'); // only the writing is sped up; serve reads it as is
  const runtime = storeRuntime(opened.db);
  const keygen = new ProtocolRegistry().get('keygen');
  const { participants } = workloadFixture();
  const names = participants.map((p) => p.name);
  const created: Promise<unknown>[] = [];
  for (let k = 0; k < count; k++) {
    const at = Date.now();
    const input: KeygenInput = {
      sessionId: `kg-restart-${k}`,
      coordinator: 'bench-coordinator',
      scheme: 'frost-secp256k1',
      threshold: 2,
      timeouts: { inviteMs: DAY_MS, roundMs: DAY_MS },
      at,
      label: null,
      participants,
    };
    const row = {
      label: null,
      keyId: null,
      message: null,
      requestHash: randomBytes(32).toString('hex'),
      participants: names,
    };
    const audit = { actor: 'bench-coordinator', role: 'coordinator', action: 'keygen.create' };
    created.push(
      runtime.create(keygen, input, row, [
        { ...audit, outcome: 'ok', sessionId: input.sessionId, at },
      ]),
    );
  }
  await Promise.all(created); // each create commits with others (group commit)
  runtime.close();
  opened.close();
  return dataDir;
}

/** The runtime's restore() alone, in this process, on a copy of the data directory. */
function restoreOnce(dataDir: string): { ms: number; restored: number } {
  const opened = openDatabaseFile(path.join(dataDir, 'sigsocket.db'));
  const runtime = storeRuntime(opened.db);
  const started = performance.now();
  const restored = runtime.restore();
  const ms = performance.now() - started;
  runtime.close();
  opened.close();
  return { ms, restored };
}

/** Spawn → listening, and the server's RSS once listening. */
async function startOnce(dataDir: string | undefined): Promise<{ ms: number; rss: number }> {
  const copy = dataDir ? fs.mkdtempSync(path.join(os.tmpdir(), 'sigsocket-bench-restart-')) : '';
  if (dataDir) fs.cpSync(dataDir, copy, { recursive: true }); // stop() removes what it served
  const started = performance.now();
  const server = await startServerProcess([], [], dataDir ? copy : undefined);
  const ms = performance.now() - started;
  const rss = server.rssBytes();
  await server.stop();
  return { ms, rss };
}

export const restart: BenchSuite = {
  name: 'restart',
  description: 'start-up time and memory with N running sessions vs an empty data directory',
  async run({ quick, flags }) {
    const sessions = numberFlag(flags, 'running-sessions', quick ? 500 : 10_000);
    const repeats = numberFlag(flags, 'repeats', quick ? 1 : 3);
    progress(`writing ${fmtInt(sessions)} running sessions`);
    const dataDir = await populate(sessions);
    try {
      const empty: Array<{ ms: number; rss: number }> = [];
      const full: Array<{ ms: number; rss: number }> = [];
      for (let r = 0; r < repeats; r++) {
        empty.push(await startOnce(undefined));
        full.push(await startOnce(dataDir));
      }
      const restores = Array.from({ length: repeats }, () => restoreOnce(dataDir));
      if (restores.some((r) => r.restored !== sessions))
        throw new Error(`restored ${restores[0]!.restored} sessions, expected ${sessions}`);
      const restoreMs = median(restores.map((r) => r.ms));
      const emptyMs = median(empty.map((s) => s.ms));
      const fullMs = median(full.map((s) => s.ms));
      const emptyRss = median(empty.map((s) => s.rss));
      const fullRss = median(full.map((s) => s.rss));
      const dbBytes = fs.statSync(path.join(dataDir, 'sigsocket.db')).size;
      return {
        suite: 'restart',
        title: `sigsocket serve start-up with ${fmtInt(sessions)} running sessions (median of ${repeats})`,
        rows: [
          ['start-up, empty data dir', fmtMs(emptyMs)],
          [`start-up, ${fmtInt(sessions)} running sessions`, fmtMs(fullMs)],
          ['ratio', fmtRatio(fullMs / emptyMs)],
          ['extra start-up time', fmtMs(fullMs - emptyMs)],
          ['restore() alone, in-process', fmtMs(restoreMs)],
          ['RSS once listening, empty', fmtMb(emptyRss)],
          [`RSS once listening, ${fmtInt(sessions)} sessions`, fmtMb(fullRss)],
          ['database file', fmtMb(dbBytes)],
        ],
        data: {
          sessions,
          repeats,
          emptyMs: round(emptyMs),
          fullMs: round(fullMs),
          ratio: round(fullMs / emptyMs),
          restoreMs: round(restoreMs),
          emptyRssBytes: emptyRss,
          fullRssBytes: fullRss,
          dbBytes,
        },
        targets:
          sessions >= 10_000
            ? [
                {
                  name: `${fmtInt(sessions)} running sessions add <= ${TARGET_MS} ms to start-up`,
                  met: fullMs - emptyMs <= TARGET_MS,
                  measured: fmtMs(fullMs - emptyMs),
                },
              ]
            : [],
        notes: [
          'Spawn to "listening on": Node and module loading are in both figures; the sessions ' +
            'are counted and their deadlines armed from one query, their actors opened on first use.',
        ],
      };
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
