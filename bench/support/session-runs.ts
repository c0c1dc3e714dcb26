// Runs of "a keygen followed by a signing", end to end through a SessionCluster and crypto-only
// in memory, with the time spent in SQLite and agent fsyncs; shared by session-overhead and
// scaling-n.
import type { Scheme } from '../../protocol/frost/index.js';
import { cryptoOnlySession, type CryptoTimes } from './frost-in-memory.js';
import { collectGarbage } from './gc.js';
import { keygenAndSign, type SessionCluster, type SessionTimes } from './session-cluster.js';
import { meterFsync, meterSqlite, since, type Spent } from './time-spent.js';

/** The threshold the n-scaling suites use for n parties: ⌈2n/3⌉. */
export const thresholdFor = (n: number) => Math.ceil((2 * n) / 3);

export const messageFor = (k: number) => Buffer.from(`bench session message ${k}`).toString('hex');

/** `count` end-to-end sessions, `concurrency` at a time; each one's times and the wall time. */
export async function endToEnd(
  cluster: SessionCluster,
  scheme: Scheme,
  t: number,
  count: number,
  concurrency = 1,
): Promise<{ runs: SessionTimes[]; wallMs: number; sqlite: Spent; fsync: Spent }> {
  const sqliteMeter = meterSqlite(cluster.server.services.sqlite);
  const fsyncMeter = meterFsync();
  const before = { sqlite: sqliteMeter.read(), fsync: fsyncMeter.read() };
  const runs: SessionTimes[] = [];
  collectGarbage();
  let next = 0;
  const t0 = performance.now();
  try {
    const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) runs.push(await keygenAndSign(cluster, scheme, t, messageFor(next++)));
    });
    await Promise.all(lanes);
  } finally {
    sqliteMeter.restore();
    fsyncMeter.restore();
  }
  if (cluster.agentErrors.length)
    throw new Error(`agents reported errors: ${cluster.agentErrors.join('; ')}`);
  return {
    runs,
    wallMs: performance.now() - t0,
    sqlite: since(before.sqlite, sqliteMeter.read()),
    fsync: since(before.fsync, fsyncMeter.read()),
  };
}

/** `count` crypto-only sessions one after another (one thread: concurrency cannot help). */
export function cryptoOnly(scheme: Scheme, t: number, n: number, count: number) {
  const runs: CryptoTimes[] = [];
  collectGarbage();
  const t0 = performance.now();
  for (let k = 0; k < count; k++) runs.push(cryptoOnlySession(scheme, t, n, messageFor(k)));
  return { runs, wallMs: performance.now() - t0 };
}
