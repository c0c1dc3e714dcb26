// Each secp256k1 group operation on both backends (docs/performance.md, Group backends): ops/s of
// noble and of libsecp256k1 on the same inputs, medians of repeats taken in turn within one run,
// and libsecp256k1's speed-up over noble. Nothing here touches the server.
import { randomBytes } from '@noble/hashes/utils.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import type { GroupElement } from '../protocol/group/group.js';
import type { Secp256k1BackendName, Secp256k1Group } from '../protocol/group/secp256k1-group.js';
import { secp256k1Backend } from '../protocol/group/secp256k1.js';
import { median } from './support/stats.js';
import {
  fmtInt,
  fmtRatio,
  numberFlag,
  progress,
  round,
  type BenchSuite,
  type Json,
} from './suite.js';

const BACKENDS: Secp256k1BackendName[] = ['noble', 'libsecp256k1'];

/** A random scalar in [1, n−1]. */
function scalar(g: Secp256k1Group): bigint {
  for (;;) {
    const k = bytesToNumberBE(randomBytes(32));
    if (k > 0n && k < g.order) return k;
  }
}

/** One operation, prepared on a backend: `run(i)` does the i-th call. */
type Op = (g: Secp256k1Group, size: number) => (i: number) => unknown;

function points(g: Secp256k1Group, count: number): GroupElement[] {
  return Array.from({ length: count }, () => g.BASE.multiply(scalar(g)));
}

const msmOf =
  (terms: number): Op =>
  (g, size) => {
    const sets = Array.from({ length: Math.min(size, 8) }, () => ({
      p: points(g, terms),
      k: Array.from({ length: terms }, () => scalar(g)),
    }));
    return (i) => g.msm(sets[i % sets.length]!.p, sets[i % sets.length]!.k);
  };

const OPS: [string, Op][] = [
  [
    'mulBase (BASE.multiply)',
    (g) => {
      const k = scalar(g);
      return () => g.BASE.multiply(k);
    },
  ],
  [
    'multiply (constant-time)',
    (g) => {
      const p = points(g, 1)[0]!;
      const k = scalar(g);
      return () => p.multiply(k);
    },
  ],
  [
    'multiplyUnsafe',
    (g) => {
      const p = points(g, 1)[0]!;
      const k = scalar(g);
      return () => p.multiplyUnsafe(k);
    },
  ],
  [
    'add',
    (g) => {
      const [a, b] = points(g, 2) as [GroupElement, GroupElement];
      return () => a.add(b);
    },
  ],
  ['msm, 3 terms', msmOf(3)],
  ['msm, 10 terms', msmOf(10)],
  ['msm, 50 terms', msmOf(50)],
  [
    'fromBytes (decode + validate)',
    (g) => {
      const b = points(g, 1)[0]!.toBytes();
      return () => g.fromBytes(b);
    },
  ],
  // toBytes of a fresh element each time (an element may cache its encoding).
  [
    'toBytes',
    (g) => {
      const p = points(g, 1)[0]!;
      return () => p.add(g.BASE).toBytes();
    },
  ],
  [
    'ecdh',
    (g) => {
      const sk = randomBytes(32);
      const pk = g.publicKey(randomBytes(32));
      return () => g.ecdh(sk, pk);
    },
  ],
];

/** ops/s of `run` over `calls` calls. */
function opsPerSecond(run: (i: number) => unknown, calls: number): number {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) run(i);
  return (calls * 1000) / (performance.now() - t0);
}

function loaded(name: Secp256k1BackendName): Secp256k1Group | null {
  try {
    return secp256k1Backend(name);
  } catch {
    return null;
  }
}

export const groupOps: BenchSuite = {
  name: 'group-ops',
  description: 'each secp256k1 group operation, ops/s on noble and on libsecp256k1',
  async run({ quick, flags }) {
    const calls = numberFlag(flags, 'calls', quick ? 20 : 200);
    const repeats = numberFlag(flags, 'repeats', quick ? 3 : 7);
    const groups = BACKENDS.map(loaded);
    const rows: string[][] = [];
    const data: Record<string, Json> = { calls, repeats };
    for (const [label, op] of OPS) {
      progress(`${label}: ${repeats} x ${calls} calls per backend`);
      const runs = groups.map((g) => (g ? op(g, calls) : null));
      runs.forEach((run) => run && opsPerSecond(run, Math.max(2, calls / 10))); // warm-up
      const samples: number[][] = groups.map(() => []);
      for (let r = 0; r < repeats; r++) {
        runs.forEach((run, b) => run && samples[b]!.push(opsPerSecond(run, calls)));
      }
      const [noble, native] = samples.map((s) => (s.length ? median(s) : NaN)) as [number, number];
      rows.push([label, fmtInt(noble), fmtInt(native), fmtRatio(native / noble)]);
      data[label] = {
        nobleOps: round(noble),
        libsecp256k1Ops: round(native),
        ratio: round(native / noble),
      };
    }
    return {
      suite: 'group-ops',
      title: `secp256k1 group operations, ops/s (median of ${repeats} x ${calls} calls)`,
      rows: [['libsecp256k1 addon', groups[1] ? 'loaded' : 'not loadable here']],
      tables: [
        {
          title: 'ops/s per backend',
          columns: ['operation', 'noble', 'libsecp256k1', 'ratio'],
          rows,
        },
      ],
      data,
      notes: [
        'ratio = libsecp256k1 ops/s / noble ops/s, from the same run, repeats taken in turn.',
        'msm and multiplyUnsafe are variable-time (public scalars); multiply and mulBase constant-time.',
      ],
    };
  },
};
