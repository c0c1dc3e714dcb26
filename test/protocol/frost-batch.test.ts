// Batch verification of the keygen's checks (docs/protocol.md §3, issue 12) catches every
// cheater and names exactly them: one bad proof of knowledge among 7, two bad shares among 7,
// and errors made to cancel in an unweighted sum, on both secp256k1 backends and on a noble group.
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../protocol/encoding.js';
import {
  dkgRound1,
  dkgRound2,
  dkgRound3,
  expectedConfirmation,
  schemeInfo,
  type IndexMap,
  type Round1Package,
  type Scheme,
} from '../../protocol/frost/index.js';
import { useSecp256k1Backend } from '../../protocol/group/secp256k1.js';
import type { Secp256k1BackendName } from '../../protocol/group/secp256k1-group.js';
import { catchFrost, persisted, runDkg } from './helpers.js';

const runs: { scheme: Scheme; backend?: Secp256k1BackendName }[] = [
  { scheme: 'frost-secp256k1', backend: 'libsecp256k1' },
  { scheme: 'frost-secp256k1', backend: 'noble' },
  { scheme: 'frost-secp256k1-tr', backend: 'libsecp256k1' },
  { scheme: 'frost-secp256k1-tr', backend: 'noble' },
  { scheme: 'frost-ristretto255' },
];

/** Runs `fn` with `backend` selected (none: as it is), restoring the previous one after. */
function withBackend<T>(backend: Secp256k1BackendName | undefined, fn: () => T): T {
  if (!backend) return fn();
  const previous = useSecp256k1Backend(backend);
  try {
    return fn();
  } finally {
    useSecp256k1Backend(previous);
  }
}

/** Adds `d` to a scalar (hex, the scheme's encoding), mod the order. */
function shifted(scheme: Scheme, hex: string, d: bigint): string {
  const { Fn } = schemeInfo(scheme);
  return bytesToHex(Fn.toBytes(Fn.add(Fn.fromBytes(hexToBytes(hex)), d)));
}

/** Σ of the scalars (hex) of a map, mod the order. */
function sumOf(scheme: Scheme, scalars: IndexMap<string>): bigint {
  const { Fn } = schemeInfo(scheme);
  return Object.values(scalars).reduce((acc, h) => Fn.add(acc, Fn.fromBytes(hexToBytes(h))), 0n);
}

/** The proof R || μ with μ shifted by d: still well formed, now false. */
function shiftedProof(scheme: Scheme, pkg: Round1Package, d: bigint): Round1Package {
  const { commitmentBytes } = schemeInfo(scheme);
  const R = pkg.proofOfKnowledge.slice(0, commitmentBytes * 2);
  const mu = pkg.proofOfKnowledge.slice(commitmentBytes * 2);
  return { ...pkg, proofOfKnowledge: R + shifted(scheme, mu, d) };
}

describe.each(runs)('$scheme on $backend', ({ scheme, backend }) => {
  it('one bad proof of knowledge among 7 is named, by participants and the coordinator', () =>
    withBackend(backend, () => {
      const n = 7;
      const r1 = Array.from({ length: n }, (_, k) => dkgRound1(scheme, k + 1, 3, n));
      const round1: IndexMap<Round1Package> = {};
      r1.forEach((r, k) => (round1[k + 1] = persisted(r.package)));
      round1[5] = shiftedProof(scheme, round1[5]!, 1n);
      const atCoordinator = catchFrost(() => expectedConfirmation(scheme, 3, n, round1));
      expect([atCoordinator.code, atCoordinator.culprits]).toEqual([
        'INVALID_PROOF_OF_KNOWLEDGE',
        [5],
      ]);
      const atParticipant = catchFrost(() => dkgRound2(r1[0]!.secretState, round1));
      expect([atParticipant.code, atParticipant.culprits]).toEqual([
        'INVALID_PROOF_OF_KNOWLEDGE',
        [5],
      ]);
    }));

  it('two proofs whose errors cancel without the random weights are both named', () =>
    withBackend(backend, () => {
      const n = 4;
      const r1 = Array.from({ length: n }, (_, k) => dkgRound1(scheme, k + 1, 2, n));
      const round1: IndexMap<Round1Package> = {};
      r1.forEach((r, k) => (round1[k + 1] = persisted(r.package)));
      // μ_2 + d and μ_4 − d: Σ (μ_i·G − c_i·φ_i − R_i) is still zero.
      const d = 12345n;
      round1[2] = shiftedProof(scheme, round1[2]!, d);
      round1[4] = shiftedProof(scheme, round1[4]!, -d);
      const err = catchFrost(() => expectedConfirmation(scheme, 2, n, round1));
      expect([err.code, err.culprits]).toEqual(['INVALID_PROOF_OF_KNOWLEDGE', [2, 4]]);
    }));

  describe('shares among 7', () => {
    const n = 8;
    const dkg = withBackend(backend, () => runDkg(scheme, 3, n));
    const state = dkg.r2[0]!.secretState;
    const received = dkg.received(1);

    it('the honest shares pass as one batch', () =>
      withBackend(backend, () => {
        const out = dkgRound3(state, dkg.round1, received);
        expect(out.signingShare).toBe(dkg.outputs[0]!.signingShare);
      }));

    it('two bad shares are named, and only they', () =>
      withBackend(backend, () => {
        const bad: IndexMap<string> = { ...received, 3: shifted(scheme, received[3]!, 1n) };
        bad[7] = shifted(scheme, received[7]!, 99n);
        const err = catchFrost(() => dkgRound3(state, dkg.round1, bad));
        expect([err.code, err.culprits]).toEqual(['INVALID_SECRET_SHARE', [3, 7]]);
      }));

    it('shares off by +d and −d, which an unweighted sum accepts, are both named', () =>
      withBackend(backend, () => {
        const d = 777n;
        const bad: IndexMap<string> = { ...received, 2: shifted(scheme, received[2]!, d) };
        bad[6] = shifted(scheme, received[6]!, -d);
        // Their sum is unchanged, so Σ s_j·G == Σ_j Σ_k i^k·φ_jk would hold.
        expect(sumOf(scheme, bad)).toBe(sumOf(scheme, received));
        const err = catchFrost(() => dkgRound3(state, dkg.round1, bad));
        expect([err.code, err.culprits]).toEqual(['INVALID_SECRET_SHARE', [2, 6]]);
      }));
  });
});
