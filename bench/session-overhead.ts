// What the coordinator costs over the cryptography: a 2-of-3 keygen followed by a signing, end
// to end (server, participant agents with their keystores, coordinator client, all over
// loopback tRPC) versus the same FROST computation in memory (bench/support/frost-in-memory.ts),
// in the same run. Everything runs in this process, on one event loop, like the crypto-only
// baseline: the ratio is the system's overhead for the same CPU, not a gain from using the
// second core (see docs/performance.md).
import type { Scheme } from '../protocol/frost/index.js';
import { secp256k1Group, useSecp256k1Backend } from '../protocol/group/secp256k1.js';
import { profiled } from './support/cpu-profile.js';
import { startSessionCluster } from './support/session-cluster.js';
import { cryptoOnly, endToEnd } from './support/session-runs.js';
import { median, spread } from './support/stats.js';
import { fmtMs, fmtPct, fmtRatio, numberFlag, progress, round, type BenchSuite } from './suite.js';

const TARGET_LATENCY_RATIO = 1.5;
const TARGET_THROUGHPUT_SHARE = 0.7;
const TARGET_BACKEND_SPEEDUP = 5;
/** Crypto-only sessions per sample of the backend comparison. */
const PER_SAMPLE = 4;

/**
 * Crypto-only sessions on each secp256k1 backend, taken in turn (docs/performance.md, Group
 * backends). Safe to switch here: between sessions nothing holds a group element.
 */
function cryptoOnlyPerBackend(scheme: Scheme, t: number, n: number, repeats: number) {
  const times = { noble: [] as number[], native: [] as number[] };
  const before = secp256k1Group.backend;
  try {
    for (let r = 0; r < repeats; r++) {
      // A few sessions per sample: one alone is a few milliseconds on libsecp256k1, in the noise.
      useSecp256k1Backend('noble');
      times.noble.push(cryptoOnly(scheme, t, n, PER_SAMPLE).wallMs / PER_SAMPLE);
      useSecp256k1Backend('libsecp256k1');
      times.native.push(cryptoOnly(scheme, t, n, PER_SAMPLE).wallMs / PER_SAMPLE);
    }
  } finally {
    useSecp256k1Backend(before);
  }
  return { ...times, speedup: median(times.noble) / median(times.native) };
}

export const sessionOverhead: BenchSuite = {
  name: 'session-overhead',
  description: '2-of-3 keygen + signing end to end through the server vs the same FROST in memory',
  async run({ quick, flags }) {
    const scheme = (
      flags['scheme'] === 'frost-secp256k1-tr' ? 'frost-secp256k1-tr' : 'frost-secp256k1'
    ) as Scheme;
    const repeats = numberFlag(flags, 'repeats', quick ? 3 : 5);
    const concurrency = numberFlag(flags, 'concurrency', quick ? 4 : 8);
    const batches = numberFlag(flags, 'batches', quick ? 1 : 3);
    const [t, n] = [2, 3];

    const cluster = await startSessionCluster(n);
    try {
      // Warm-up (JIT, first connections), not counted.
      cryptoOnly(scheme, t, n, 1);
      await endToEnd(cluster, scheme, t, 1);

      // Latency of one session: alternate the two so both see the same machine.
      const e2e: number[] = [];
      const crypto: number[] = [];
      let sqliteMs = 0;
      let fsyncMs = 0;
      let fsyncs = 0;
      let transactions = 0;
      await profiled(flags['cpu-prof'] === true, 'session-overhead', async () => {
        for (let r = 0; r < repeats; r++) {
          const c = cryptoOnly(scheme, t, n, 1);
          crypto.push(c.wallMs);
          const e = await endToEnd(cluster, scheme, t, 1);
          e2e.push(e.wallMs);
          sqliteMs += e.sqlite.ms;
          transactions += e.sqlite.calls;
          fsyncMs += e.fsync.ms;
          fsyncs += e.fsync.calls;
        }
      });
      const e2eWall = e2e.reduce((a, b) => a + b, 0);
      const latencyRatio = median(e2e) / median(crypto);

      // Throughput: `concurrency` sessions at a time vs crypto-only back to back.
      progress(`throughput: ${batches} x ${concurrency} sessions`);
      const count = concurrency;
      const e2eRates: number[] = [];
      const cryptoRates: number[] = [];
      for (let b = 0; b < batches; b++) {
        cryptoRates.push(count / (cryptoOnly(scheme, t, n, count).wallMs / 1000));
        e2eRates.push(
          count / ((await endToEnd(cluster, scheme, t, count, concurrency)).wallMs / 1000),
        );
      }
      const throughputShare = median(e2eRates) / median(cryptoRates);

      progress(`crypto-only on each backend: ${repeats} samples of ${PER_SAMPLE} sessions each`);
      const backends = cryptoOnlyPerBackend(scheme, t, n, repeats);
      const perSession = (x: number) => x / repeats;

      return {
        suite: 'session-overhead',
        title:
          `${t}-of-${n} ${scheme} keygen + signing; server, ${n} agents and coordinator in this process over loopback; ` +
          `latency: median of ${repeats}; throughput: ${count} sessions ${concurrency} at a time, median of ${batches}`,
        rows: [
          ['one session, end to end', spread(e2e, fmtMs)],
          ['one session, crypto-only', spread(crypto, fmtMs)],
          ['latency ratio (target <= 1.5x)', fmtRatio(latencyRatio)],
          ['crypto-only on noble (per session)', spread(backends.noble, fmtMs)],
          ['crypto-only on libsecp256k1 (per session)', spread(backends.native, fmtMs)],
          ['libsecp256k1 speed-up (target >= 5x)', fmtRatio(backends.speedup)],
          ['throughput, end to end', `${spread(e2eRates, (x) => x.toFixed(2))} sessions/s`],
          ['throughput, crypto-only', `${spread(cryptoRates, (x) => x.toFixed(2))} sessions/s`],
          ['end to end / crypto-only (target >= 70%)', fmtPct(throughputShare)],
          [
            'SQLite per session (server)',
            `${fmtMs(perSession(sqliteMs))} in ${(transactions / repeats).toFixed(0)} calls, ${fmtPct(sqliteMs / e2eWall)} of the wall time`,
          ],
          [
            'fsync per session (agent keystores)',
            `${fmtMs(perSession(fsyncMs))} in ${(fsyncs / repeats).toFixed(0)} fsyncs, ${fmtPct(fsyncMs / e2eWall)} of the wall time`,
          ],
        ],
        data: {
          scheme,
          t,
          n,
          repeats,
          concurrency,
          batches,
          endToEndMs: e2e.map((x) => round(x, 1)),
          cryptoOnlyMs: crypto.map((x) => round(x, 1)),
          endToEndMedianMs: round(median(e2e), 1),
          cryptoOnlyMedianMs: round(median(crypto), 1),
          latencyRatio: round(latencyRatio),
          backend: secp256k1Group.backend,
          cryptoOnlyNobleMs: backends.noble.map((x) => round(x, 1)),
          cryptoOnlyNativeMs: backends.native.map((x) => round(x, 1)),
          backendSpeedup: round(backends.speedup),
          endToEndSessionsPerSecond: e2eRates.map((x) => round(x, 3)),
          cryptoOnlySessionsPerSecond: cryptoRates.map((x) => round(x, 3)),
          throughputShare: round(throughputShare, 3),
          sqliteMsPerSession: round(perSession(sqliteMs), 1),
          sqliteCallsPerSession: round(transactions / repeats, 1),
          sqliteShare: round(sqliteMs / e2eWall, 3),
          fsyncMsPerSession: round(perSession(fsyncMs), 1),
          fsyncsPerSession: round(fsyncs / repeats, 1),
          fsyncShare: round(fsyncMs / e2eWall, 3),
        },
        targets: [
          {
            name: `crypto-only on libsecp256k1 >= ${TARGET_BACKEND_SPEEDUP}x faster than on noble`,
            met: backends.speedup >= TARGET_BACKEND_SPEEDUP,
            measured: fmtRatio(backends.speedup),
          },
          {
            name: `one session <= ${TARGET_LATENCY_RATIO}x crypto-only`,
            met: latencyRatio <= TARGET_LATENCY_RATIO,
            measured: fmtRatio(latencyRatio),
          },
          {
            name: `concurrent sessions >= ${fmtPct(TARGET_THROUGHPUT_SHARE)} of crypto-only throughput`,
            met: throughputShare >= TARGET_THROUGHPUT_SHARE,
            measured: fmtPct(throughputShare),
          },
        ],
      };
    } finally {
      await cluster.close();
    }
  },
};
