/**
 * RFC 9591 §5.3 aggregate: z = Σ z_i, the signature (R, z) verified under the group key first;
 * only when it fails is each share checked (§5.4), so the honest path costs one verification.
 *
 * @module
 */
import type { GroupElement } from '../suite.js';
import type { SigningContext } from './binding.js';
import type { Ciphersuite } from './ciphersuite.js';
import { encodeSignature, verifySchnorr } from './schnorr.js';
import { verifySignatureShare } from './signing.js';

export type Aggregation =
  | { ok: true; signature: Uint8Array }
  /** `culprits`: identifiers whose share fails §5.4 (empty: the failure names nobody). */
  | { ok: false; culprits: bigint[] };

export function aggregateShares(
  suite: Ciphersuite,
  groupKey: GroupElement,
  verifyingShares: ReadonlyMap<bigint, GroupElement>,
  ctx: SigningContext,
  msg: Uint8Array,
  shares: ReadonlyMap<bigint, bigint>,
): Aggregation {
  const { Fn } = suite;
  const unknown = ctx.list.filter((c) => !shares.has(c.id) || !verifyingShares.has(c.id));
  if (unknown.length) {
    throw new Error(
      `no share or verifying share for signers ${unknown.map((c) => c.id).join(', ')}`,
    );
  }
  const z = ctx.list.reduce((acc, c) => Fn.add(acc, shares.get(c.id)!), 0n);
  if (verifySchnorr(suite, msg, ctx.R, z, groupKey)) {
    return { ok: true, signature: encodeSignature(suite, ctx.R, z) };
  }
  const culprits = ctx.list
    .map((c) => c.id)
    .filter((id) => {
      const signer = { id, verifyingShare: verifyingShares.get(id)!, groupKey };
      return !verifySignatureShare(suite, signer, shares.get(id)!, ctx);
    });
  return { ok: false, culprits };
}
