/**
 * What signers and the coordinator compute alike from a signing package (RFC 9591 §4.3–4.6):
 * binding factors, the group commitment R, the challenge and each signer's Lagrange coefficient.
 *
 * @module
 */
import type { GroupElement } from '../suite.js';
import type { Ciphersuite } from './ciphersuite.js';
import { lagrangeCoefficient } from './polynomial.js';
import { challenge, concatBytes, evenKey } from './schnorr.js';

/** One signer's nonce commitments; `id` is its identifier (the scalar of its index). */
export interface SignerCommitment {
  readonly id: bigint;
  readonly hiding: GroupElement;
  readonly binding: GroupElement;
}

/** RFC 9591 §4.3 encode_group_commitment_list (the list sorted by identifier). */
function encodeCommitmentList(suite: Ciphersuite, list: readonly SignerCommitment[]): Uint8Array {
  return concatBytes(
    ...list.flatMap((c) => [suite.scalarToBytes(c.id), c.hiding.toBytes(), c.binding.toBytes()]),
  );
}

export interface SigningContext {
  /** The commitments sorted by identifier. */
  readonly list: readonly SignerCommitment[];
  /** The group key the signature is made under (BIP340 suites: with even Y). */
  readonly groupKey: GroupElement;
  /** ρ_i, by identifier. */
  readonly bindingFactors: ReadonlyMap<bigint, bigint>;
  /** R = Σ hiding_i + ρ_i·binding_i; never the identity. */
  readonly R: GroupElement;
  readonly challenge: bigint;
  /** λ_i over the signers, by identifier. */
  lambda(id: bigint): bigint;
}

/**
 * RFC 9591 §4.4 compute_binding_factors, §4.5 compute_group_commitment and §4.6 the challenge.
 * Throws on duplicate identifiers or an identity group commitment.
 */
export function signingContext(
  suite: Ciphersuite,
  groupKey0: GroupElement,
  commitments: readonly SignerCommitment[],
  msg: Uint8Array,
): SigningContext {
  const { Fn, group, hashes } = suite;
  const list = [...commitments].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = list.map((c) => c.id);
  if (new Set(ids).size !== ids.length) throw new Error('duplicate signer in commitment list');
  const groupKey = evenKey(suite, groupKey0);
  const prefix = concatBytes(
    groupKey.toBytes(),
    hashes.H4(msg),
    hashes.H5(encodeCommitmentList(suite, list)),
  );
  const bindingFactors = new Map(
    list.map((c) => [c.id, hashes.H1(concatBytes(prefix, suite.scalarToBytes(c.id)))]),
  );
  // The hiding commitments all carry the scalar 1: add them, and put only the binding ones in
  // the multi-scalar multiplication.
  const hidingSum = list.reduce((acc, c) => acc.add(c.hiding), group.ZERO);
  const R = hidingSum.add(
    group.msm(
      list.map((c) => c.binding),
      list.map((c) => bindingFactors.get(c.id)!),
    ),
  );
  if (R.is0()) throw new Error('the group commitment is the identity');
  return {
    list,
    groupKey,
    bindingFactors,
    R,
    challenge: challenge(suite, evenKey(suite, R), groupKey, msg),
    lambda: (id) => lagrangeCoefficient(Fn, ids, id),
  };
}
