/**
 * The DKG of frost-rs (FROST paper Fig. 1; docs/protocol.md §3): the secret polynomial and its
 * VSS commitments, the proof of knowledge of a_0, the shares f(j), and the key a participant (or
 * the coordinator, from public data) derives at the end, with the suite's post-DKG tweak.
 *
 * @module
 */
import type { RandomBytes } from '../../group/scalar-field.js';
import type { GroupElement } from '../suite.js';
import type { Ciphersuite } from './ciphersuite.js';
import { evaluateCommitment } from './polynomial.js';
import { concatBytes, encodeSignature } from './schnorr.js';

/** t random coefficients a_0..a_{t−1} and their commitments φ_k = a_k·G. */
export function secretPolynomial(suite: Ciphersuite, t: number, rng?: RandomBytes) {
  const coefficients = Array.from({ length: t }, () => suite.Fn.random(rng));
  const commitments = coefficients.map((a) => suite.group.BASE.multiply(a));
  return { coefficients, commitments };
}

/**
 * c = H_DKG(SerializeScalar(id) || SerializeElement(φ_0) || SerializeElement(R) || context).
 * FROST's context is empty (RFC 9591, frost-rs); DKLs23 binds its keygen sid, t and n there.
 */
export function proofChallenge(
  suite: Ciphersuite,
  id: bigint,
  phi0: GroupElement,
  R: GroupElement,
  context: Uint8Array = new Uint8Array(0),
): bigint {
  return suite.hashes.HDKG(
    concatBytes(suite.scalarToBytes(id), phi0.toBytes(), R.toBytes(), context),
  );
}

/**
 * Proof of knowledge of a_0: R = k·G, μ = k + a_0·c, encoded as a signature R || μ. The BIP340
 * suites use R with even Y (k negated otherwise), since only x(R) is sent.
 */
export function proveKnowledge(
  suite: Ciphersuite,
  id: bigint,
  a0: bigint,
  phi0: GroupElement,
  rng?: RandomBytes,
  context?: Uint8Array,
): Uint8Array {
  const { Fn, group, evenY } = suite;
  let k = Fn.random(rng);
  let R = group.BASE.multiply(k);
  if (evenY && !evenY.hasEvenY(R)) [k, R] = [Fn.neg(k), R.negate()];
  const mu = Fn.add(k, Fn.mul(a0, proofChallenge(suite, id, phi0, R, context)));
  return encodeSignature(suite, R, mu);
}

export interface DkgKey {
  groupKey: GroupElement;
  /** Y_j for j = 1..n, in order. */
  verifyingShares: GroupElement[];
}

/**
 * The group key Σ_i φ_i0 and every verifying share Y_j = Σ_k (Σ_i φ_ik)·j^k from all n
 * participants' commitments (before the suite's tweak).
 */
export function keyFromCommitments(
  suite: Ciphersuite,
  n: number,
  all: readonly (readonly GroupElement[])[],
): DkgKey {
  const { group, Fn } = suite;
  const t = all[0]!.length;
  const merged = Array.from({ length: t }, (_, k) =>
    all.reduce((acc, c) => acc.add(c[k]!), group.ZERO),
  );
  const verifyingShares = Array.from({ length: n }, (_, j) =>
    evaluateCommitment(group, Fn, merged, BigInt(j + 1)),
  );
  return { groupKey: merged[0]!, verifyingShares };
}

/** The suite's post-DKG tweak applied to the key and, for a participant, its signing share. */
export function tweakKey(
  suite: Ciphersuite,
  key: DkgKey,
  signingShare?: bigint,
): DkgKey & { signingShare?: bigint } {
  if (!suite.keyTweak) return { ...key, signingShare };
  const { negate, tweak } = suite.keyTweak(key.groupKey);
  const T = suite.group.BASE.multiplyUnsafe(tweak);
  const move = (P: GroupElement) => (negate ? P.negate() : P).add(T);
  const { Fn } = suite;
  return {
    groupKey: move(key.groupKey),
    verifyingShares: key.verifyingShares.map(move),
    ...(signingShare !== undefined && {
      signingShare: Fn.add(negate ? Fn.neg(signingShare) : signingShare, tweak),
    }),
  };
}
