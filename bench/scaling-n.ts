// How keygen and signing grow with the number of participants: t-of-n (t = ceil(2n/3)) end to
// end through the server and n agents in this process, versus the same FROST computation in
// memory, in the same run. Also counts what the coordinator verifies when it aggregates (exact
// call counts from V8 coverage, in an untimed extra signing).
import type { Scheme } from '../protocol/frost/index.js';
import { countFrostCalls } from './support/call-counts.js';
import { profiled } from './support/cpu-profile.js';
import { cryptoOnlySession } from './support/frost-in-memory.js';
import { collectGarbage } from './support/gc.js';
import {
  checkSignature,
  keygen,
  keygenAndSign,
  sign,
  startSessionCluster,
} from './support/session-cluster.js';
import { messageFor, thresholdFor } from './support/session-runs.js';
import { median } from './support/stats.js';
import { meterFsync, meterSqlite, type Spent } from './support/time-spent.js';
import {
  fmtMs,
  fmtRatio,
  listFlag,
  numberFlag,
  progress,
  round,
  type BenchSuite,
  type Json,
} from './suite.js';

/** Issue 12: end-to-end keygen at most this many times its crypto-only time, at every n. */
const TARGET_KEYGEN_RATIO = 1.3;

interface Point {
  n: number;
  t: number;
  repeats: number;
  e2eKeygenMs: number;
  e2eSignMs: number;
  cryptoKeygenMs: number;
  cryptoSignMs: number;
  sqliteMsPerSession: number;
  fsyncMsPerSession: number;
  counts: Record<string, number>;
}

/** Exponent a of time ∝ n^a between the first and the last point. */
function growth(points: Point[], pick: (p: Point) => number): number {
  const [a, b] = [points[0]!, points[points.length - 1]!];
  return Math.log(pick(b) / pick(a)) / Math.log(b.n / a.n);
}

async function measure(
  scheme: Scheme,
  n: number,
  repeats: number,
  warmUp: boolean,
): Promise<Point> {
  const t = thresholdFor(n);
  progress(`${t}-of-${n}: ${repeats} keygen + signing, end to end and crypto-only`);
  const cluster = await startSessionCluster(n);
  try {
    if (warmUp) {
      cryptoOnlySession(scheme, t, n, messageFor(0));
      await keygenAndSign(cluster, scheme, t, messageFor(0));
    }
    const e2e: { keygenMs: number; signMs: number }[] = [];
    const crypto: { keygenMs: number; signMs: number }[] = [];
    const sqlite = meterSqlite(cluster.server.services.sqlite);
    const fsync = meterFsync();
    let spent: { sqlite: Spent; fsync: Spent };
    let key;
    try {
      for (let r = 0; r < repeats; r++) {
        collectGarbage();
        crypto.push(cryptoOnlySession(scheme, t, n, messageFor(r)));
        collectGarbage();
        const run = await keygenAndSign(cluster, scheme, t, messageFor(r));
        e2e.push(run);
        key = run.key;
      }
    } finally {
      spent = { sqlite: sqlite.read(), fsync: fsync.read() };
      sqlite.restore();
      fsync.restore();
    }
    const signCounts = await countFrostCalls(() => sign(cluster, key!, t, messageFor(-1)));
    checkSignature(scheme, key!, messageFor(-1), signCounts.value);
    if (cluster.agentErrors.length)
      throw new Error(`agents reported errors: ${cluster.agentErrors.join('; ')}`);
    return {
      n,
      t,
      repeats,
      e2eKeygenMs: median(e2e.map((r) => r.keygenMs)),
      e2eSignMs: median(e2e.map((r) => r.signMs)),
      cryptoKeygenMs: median(crypto.map((r) => r.keygenMs)),
      cryptoSignMs: median(crypto.map((r) => r.signMs)),
      sqliteMsPerSession: spent.sqlite.ms / repeats,
      fsyncMsPerSession: spent.fsync.ms / repeats,
      counts: signCounts.counts,
    };
  } finally {
    await cluster.close();
  }
}

export const scalingN: BenchSuite = {
  name: 'scaling-n',
  description: 't-of-n keygen + signing (t = ceil(2n/3)) end to end vs crypto-only, for growing n',
  async run({ quick, flags }) {
    const scheme = (
      flags['scheme'] === 'frost-secp256k1-tr' ? 'frost-secp256k1-tr' : 'frost-secp256k1'
    ) as Scheme;
    const ns = listFlag(flags, 'n', quick ? [3, 5] : [3, 5, 10, 20, 50]);
    // n >= 20 takes seconds per keygen on this machine: one repetition unless asked.
    const repeatsFor = (n: number) => numberFlag(flags, 'repeats', quick ? 2 : n >= 20 ? 1 : 3);
    const points: Point[] = [];
    await profiled(flags['cpu-prof'] === true, 'scaling-n', async () => {
      for (const n of ns) points.push(await measure(scheme, n, repeatsFor(n), points.length === 0));
    });
    const keygenCounts = await (async () => {
      // Proofs of knowledge verified in one keygen at the smallest n (agents and server).
      const n = ns[0]!;
      const cluster = await startSessionCluster(n);
      try {
        return (await countFrostCalls(() => keygen(cluster, scheme, thresholdFor(n)))).counts;
      } finally {
        await cluster.close();
      }
    })();
    const last = points[points.length - 1]!;
    const signChecks = points.every(
      (p) => p.counts['aggregate'] === 1 && p.counts['shareVerifications'] === 0,
    );
    const n0 = ns[0]!;

    return {
      suite: 'scaling-n',
      title: `${scheme}, t = ceil(2n/3); server, n agents and coordinator in this process; medians (repetitions per n in the table)`,
      rows: [
        [
          'keygen growth, end to end',
          `~n^${growth(points, (p) => p.e2eKeygenMs).toFixed(1)} (n = ${ns[0]}..${last.n})`,
        ],
        ['keygen growth, crypto-only', `~n^${growth(points, (p) => p.cryptoKeygenMs).toFixed(1)}`],
        ['signing growth, end to end', `~n^${growth(points, (p) => p.e2eSignMs).toFixed(1)}`],
        ['signing growth, crypto-only', `~n^${growth(points, (p) => p.cryptoSignMs).toFixed(1)}`],
        [
          'coordinator, per signing (every n)',
          signChecks
            ? `1 aggregate, 0 share verifications, ${last.counts['schnorrVerifications']} Schnorr verifications ` +
              `(aggregate's own check, then ${last.counts['signatureVerifications']} verify of the encoded signature)`
            : `UNEXPECTED: ${JSON.stringify(points.map((p) => p.counts))}`,
        ],
        [
          `proofs of knowledge, one ${thresholdFor(n0)}-of-${n0} keygen`,
          `${keygenCounts['proofBatches']} batches, ${keygenCounts['singleProofChecks']} single checks ` +
            `(expected ${n0 + 1} and ${n0}: each agent batches the n-1 others in round 2, the server checks each on arrival and batches all n for the confirmation)`,
        ],
      ],
      tables: [
        {
          title: 'per n (ms; ratio = end to end / crypto-only)',
          columns: [
            'n',
            't',
            'runs',
            'keygen e2e',
            'keygen crypto',
            'ratio',
            'sign e2e',
            'sign crypto',
            'ratio',
            'SQLite/session',
            'fsync/session',
          ],
          rows: points.map((p) => [
            String(p.n),
            String(p.t),
            String(p.repeats),
            fmtMs(p.e2eKeygenMs),
            fmtMs(p.cryptoKeygenMs),
            fmtRatio(p.e2eKeygenMs / p.cryptoKeygenMs),
            fmtMs(p.e2eSignMs),
            fmtMs(p.cryptoSignMs),
            fmtRatio(p.e2eSignMs / p.cryptoSignMs),
            fmtMs(p.sqliteMsPerSession),
            fmtMs(p.fsyncMsPerSession),
          ]),
        },
      ],
      data: {
        scheme,
        points: points.map((p) => ({
          n: p.n,
          t: p.t,
          repeats: p.repeats,
          e2eKeygenMs: round(p.e2eKeygenMs, 1),
          cryptoKeygenMs: round(p.cryptoKeygenMs, 1),
          keygenRatio: round(p.e2eKeygenMs / p.cryptoKeygenMs),
          e2eSignMs: round(p.e2eSignMs, 1),
          cryptoSignMs: round(p.cryptoSignMs, 1),
          signRatio: round(p.e2eSignMs / p.cryptoSignMs),
          sqliteMsPerSession: round(p.sqliteMsPerSession, 1),
          fsyncMsPerSession: round(p.fsyncMsPerSession, 1),
          signingCallCounts: p.counts as Record<string, Json>,
        })),
        keygenCallCounts: { n: n0, ...keygenCounts },
        aggregateOnceNoShareVerification: signChecks,
      },
      targets: [
        {
          name: `keygen end to end <= ${TARGET_KEYGEN_RATIO}x crypto-only at every n`,
          met: points.every((p) => p.e2eKeygenMs / p.cryptoKeygenMs <= TARGET_KEYGEN_RATIO),
          measured: points
            .map((p) => `n=${p.n}: ${fmtRatio(p.e2eKeygenMs / p.cryptoKeygenMs)}`)
            .join('; '),
        },
        {
          name: 'the coordinator aggregates once and verifies shares only on failure',
          met: signChecks,
          measured: points
            .map(
              (p) =>
                `n=${p.n}: ${p.counts['aggregate']} aggregate, ${p.counts['shareVerifications']} share checks`,
            )
            .join('; '),
        },
      ],
    };
  },
};
