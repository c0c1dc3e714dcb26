// Keygen and signing per FROST ciphersuite, side by side: crypto-only (the harness DKG and signing
// round in memory, bench/support/frost-in-memory.ts) and end to end (the real server and agents,
// as session-overhead runs them), each scheme's figures against frost-secp256k1's from the same
// run. Repetitions go round the schemes, so a slow spell of the machine falls on all of them.
import { SCHEMES, SchemeSchema, type Scheme } from '../protocol/frost/index.js';
import { cryptoKeygen, cryptoSign } from './support/frost-in-memory.js';
import { collectGarbage } from './support/gc.js';
import { checkSignature, keygen, sign, startSessionCluster } from './support/session-cluster.js';
import { messageFor } from './support/session-runs.js';
import { median } from './support/stats.js';
import {
  fmtMs,
  fmtRatio,
  numberFlag,
  progress,
  round,
  type BenchOptions,
  type BenchSuite,
  type Json,
} from './suite.js';

const BASELINE: Scheme = 'frost-secp256k1';
const FIGURES = ['cryptoKeygenMs', 'e2eKeygenMs', 'cryptoSignMs', 'e2eSignMs'] as const;
type Figure = (typeof FIGURES)[number];
type Samples = Record<Figure, number[]>;

/** `--schemes a,b` (the baseline is always measured, first), or every registered scheme. */
export function schemesFlag(flags: BenchOptions['flags']): Scheme[] {
  const raw = flags['schemes'];
  if (raw === undefined) return [...SCHEMES];
  const named = String(raw)
    .split(',')
    .map((s) => {
      const parsed = SchemeSchema.safeParse(s);
      if (!parsed.success)
        throw new Error(`--schemes: unknown scheme ${s}; known: ${SCHEMES.join(', ')}`);
      return parsed.data;
    });
  return [BASELINE, ...named.filter((s) => s !== BASELINE)];
}

/** `fn`'s value and wall time, after a full GC (the previous run's garbage is not its cost). */
async function measured<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  collectGarbage();
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export const ciphersuites: BenchSuite = {
  name: 'ciphersuites',
  description: '2-of-3 keygen and signing per FROST ciphersuite, crypto-only and end to end',
  async run({ quick, flags }) {
    const schemes = schemesFlag(flags);
    const keygens = numberFlag(flags, 'repeats', quick ? 2 : 3);
    const signsPerKey = numberFlag(flags, 'signs', 2);
    const [t, n] = [2, 3];
    const samples = new Map<Scheme, Samples>(
      schemes.map((s) => [
        s,
        { cryptoKeygenMs: [], e2eKeygenMs: [], cryptoSignMs: [], e2eSignMs: [] },
      ]),
    );

    const cluster = await startSessionCluster(n);
    try {
      // One pass per scheme first, not counted: each curve's code is compiled on first use.
      progress(`warm-up: one keygen + signing per scheme (${schemes.length})`);
      for (const scheme of schemes) {
        cryptoSign(scheme, cryptoKeygen(scheme, t, n), t, messageFor(0));
        const key = await keygen(cluster, scheme, t);
        checkSignature(scheme, key, messageFor(0), await sign(cluster, key, t, messageFor(0)));
      }
      for (let r = 0; r < keygens; r++) {
        progress(`round ${r + 1}/${keygens}: a keygen and ${signsPerKey} signings per scheme`);
        for (const scheme of schemes) {
          const s = samples.get(scheme)!;
          const memory = await measured(() => cryptoKeygen(scheme, t, n));
          s.cryptoKeygenMs.push(memory.ms);
          const served = await measured(() => keygen(cluster, scheme, t));
          s.e2eKeygenMs.push(served.ms);
          for (let k = 1; k <= signsPerKey; k++) {
            const message = messageFor(r * signsPerKey + k);
            s.cryptoSignMs.push(
              (await measured(() => cryptoSign(scheme, memory.value, t, message))).ms,
            );
            const signed = await measured(() => sign(cluster, served.value, t, message));
            s.e2eSignMs.push(signed.ms);
            checkSignature(scheme, served.value, message, signed.value);
          }
        }
      }
      if (cluster.agentErrors.length)
        throw new Error(`agents reported errors: ${cluster.agentErrors.join('; ')}`);
    } finally {
      await cluster.close();
    }

    const medians = new Map(
      schemes.map((s) => {
        const m = {} as Record<Figure, number>;
        for (const f of FIGURES) m[f] = median(samples.get(s)![f]);
        return [s, m];
      }),
    );
    const base = medians.get(BASELINE)!;
    const ratio = (scheme: Scheme, f: Figure) => medians.get(scheme)![f] / base[f];
    const worst = schemes.reduce((a, b) =>
      ratio(b, 'e2eKeygenMs') > ratio(a, 'e2eKeygenMs') ? b : a,
    );

    return {
      suite: 'ciphersuites',
      title:
        `${t}-of-${n} keygen and signing per FROST ciphersuite; server, ${n} agents and coordinator in this process; ` +
        `medians of ${keygens} keygens and ${keygens * signsPerKey} signings per scheme; ratios against ${BASELINE}`,
      rows: [
        [
          'baseline',
          `${BASELINE}, measured in the same run, its rounds interleaved with the others`,
        ],
        [
          'slowest end to end vs baseline',
          `${worst}: keygen ${fmtRatio(ratio(worst, 'e2eKeygenMs'))}, signing ${fmtRatio(ratio(worst, 'e2eSignMs'))}`,
        ],
      ],
      tables: [
        {
          title: `per scheme (ms; x = against ${BASELINE})`,
          columns: [
            'scheme',
            'keygen crypto',
            'x',
            'keygen e2e',
            'x',
            'sign crypto',
            'x',
            'sign e2e',
            'x',
          ],
          rows: schemes.map((s) => [
            s,
            ...FIGURES.flatMap((f) => [fmtMs(medians.get(s)![f]), fmtRatio(ratio(s, f))]),
          ]),
        },
      ],
      data: {
        baseline: BASELINE,
        t,
        n,
        keygens,
        signsPerKey,
        schemes: schemes.map((s) => {
          const entry: Record<string, Json> = { scheme: s };
          for (const f of FIGURES) {
            entry[f] = round(medians.get(s)![f], 2);
            entry[`${f}Samples`] = samples.get(s)![f].map((x) => round(x, 2));
            entry[`${f.replace(/Ms$/, '')}Ratio`] = round(ratio(s, f), 3);
          }
          return entry;
        }),
      },
      notes: [
        "crypto-only: every participant's DKG rounds or signing share and the server's checks, in memory on one thread (bench/support/frost-in-memory.ts)",
        'end to end: create + follow as a coordinator, to the verified result; e2e encryption, escrow, keystore writes and SQLite included',
      ],
    };
  },
};
