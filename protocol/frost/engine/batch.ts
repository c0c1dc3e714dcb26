/**
 * Batch verification of the DKG's checks (issue 12; docs/protocol.md §3): many equations
 * E_i == 0 checked as one Σ r_i·E_i == 0 with fresh random 128-bit weights r_i, one multi-scalar
 * multiplication. A cheater cannot make errors cancel without knowing the weights (chance
 * 2^-128). When the sum fails, each equation is checked alone to name exactly the culprits.
 *
 * @module
 */
import { randomBytes } from '@noble/hashes/utils.js';
import type { GroupElement } from '../suite.js';
import type { Ciphersuite } from './ciphersuite.js';
import { proofChallenge } from './dkg.js';
import { baseTimes, evaluateCommitment, powersOf } from './polynomial.js';

/** A fresh random weight in [1, 2^128). */
function weight(): bigint {
  const w = BigInt('0x' + Buffer.from(randomBytes(16)).toString('hex'));
  return w === 0n ? 1n : w;
}

/** A decoded DKG proof of knowledge of participant `index` (identifier `id`). */
export interface ProofClaim {
  readonly index: number;
  readonly id: bigint;
  readonly phi0: GroupElement;
  readonly R: GroupElement;
  readonly mu: bigint;
  /** What the challenge binds besides the proof (empty for FROST). */
  readonly context?: Uint8Array;
}

/** R == μ·G − c·φ_0 (public data, variable-time). */
export function proofHolds(suite: Ciphersuite, p: ProofClaim): boolean {
  const { group, Fn } = suite;
  const c = proofChallenge(suite, p.id, p.phi0, p.R, p.context);
  return group.msm([group.BASE, p.phi0], [p.mu, Fn.neg(c)]).equals(p.R);
}

/** Indexes whose proof fails: Σ r_i(μ_i·G − c_i·φ_i0 − R_i) == 0 first, single checks if not. */
export function invalidProofs(suite: Ciphersuite, proofs: readonly ProofClaim[]): number[] {
  const single = () => proofs.filter((p) => !proofHolds(suite, p)).map((p) => p.index);
  if (proofs.length < 2) return single();
  const { group, Fn } = suite;
  const points: GroupElement[] = [group.BASE];
  const scalars: bigint[] = [0n];
  for (const p of proofs) {
    const r = weight();
    const c = proofChallenge(suite, p.id, p.phi0, p.R, p.context);
    scalars[0] = Fn.add(scalars[0]!, Fn.mul(r, p.mu));
    points.push(p.phi0, p.R);
    scalars.push(Fn.neg(Fn.mul(r, c)), Fn.neg(r));
  }
  return group.msm(points, scalars).is0() ? [] : single();
}

/** A share f_j(x) received from participant `index`, with j's VSS commitments. */
export interface ShareClaim {
  readonly index: number;
  readonly share: bigint;
  readonly commitments: readonly GroupElement[];
}

/** f_j(x)·G == Σ_k φ_jk·x^k (RFC 9591 App. C.2 vss_verify). */
export function shareHolds(suite: Ciphersuite, x: bigint, s: ShareClaim): boolean {
  const { group, Fn } = suite;
  return baseTimes(group, s.share).equals(evaluateCommitment(group, Fn, s.commitments, x));
}

/**
 * Indexes whose share to x fails VSS: (Σ_j r_j·s_j)·G == Σ_j Σ_k (r_j·x^k)·φ_jk first, single
 * checks if not. The shares are secret: their weighted sum meets G through `multiply` only.
 */
export function invalidShares(
  suite: Ciphersuite,
  x: bigint,
  shares: readonly ShareClaim[],
): number[] {
  const single = () => shares.filter((s) => !shareHolds(suite, x, s)).map((s) => s.index);
  if (shares.length < 2) return single();
  const { group, Fn } = suite;
  const powers = powersOf(Fn, x, Math.max(...shares.map((s) => s.commitments.length)));
  let secret = 0n;
  const points: GroupElement[] = [];
  const scalars: bigint[] = [];
  for (const s of shares) {
    const r = weight();
    secret = Fn.add(secret, Fn.mul(r, s.share));
    s.commitments.forEach((C, k) => {
      points.push(C);
      scalars.push(Fn.mul(r, powers[k]!));
    });
  }
  return baseTimes(group, secret).equals(group.msm(points, scalars)) ? [] : single();
}
