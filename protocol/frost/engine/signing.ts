/**
 * The signer's side of RFC 9591 §5 and the coordinator's share check: nonce_generate and commit
 * (§4.1, §5.1), sign (§5.2), verify_signature_share (§5.4). Secret scalars meet points only
 * through `multiply` (constant-time); public ones through `multiplyUnsafe` / `msm`.
 *
 * @module
 */
import type { RandomBytes } from '../../group/scalar-field.js';
import type { GroupElement } from '../suite.js';
import type { SigningContext } from './binding.js';
import type { Ciphersuite } from './ciphersuite.js';
import { concatBytes } from './schnorr.js';

/** RFC 9591 §4.1 nonce_generate: H3(32 random bytes || SerializeScalar(secret)). */
function nonceGenerate(suite: Ciphersuite, secret: bigint, rng: RandomBytes): bigint {
  return suite.hashes.H3(concatBytes(rng(32), suite.scalarToBytes(secret)));
}

export interface SigningNonces {
  readonly hiding: bigint;
  readonly binding: bigint;
}

/** RFC 9591 §5.1 commit: two fresh nonces and their commitments d·G, e·G. */
export function commitNonces(suite: Ciphersuite, signingShare: bigint, rng: RandomBytes) {
  const hiding = nonceGenerate(suite, signingShare, rng);
  const binding = nonceGenerate(suite, signingShare, rng);
  const { BASE } = suite.group;
  return {
    nonces: { hiding, binding },
    commitments: { hiding: BASE.multiply(hiding), binding: BASE.multiply(binding) },
  };
}

/** Whether the group key must be negated for signing (BIP340 suites: odd Y). */
const keyFlipped = (suite: Ciphersuite, groupKey: GroupElement) =>
  suite.evenY !== undefined && !suite.evenY.hasEvenY(groupKey);

/** Whether the nonces / commitment shares must be negated (BIP340 suites: R with odd Y). */
const commitmentFlipped = (suite: Ciphersuite, ctx: SigningContext) =>
  suite.evenY !== undefined && !suite.evenY.hasEvenY(ctx.R);

/**
 * RFC 9591 §5.2 sign: z_i = d + e·ρ_i + λ_i·s_i·c. Throws unless our commitments appear in the
 * context unchanged (a coordinator must not choose them for us).
 */
export function signatureShare(
  suite: Ciphersuite,
  signer: { id: bigint; signingShare: bigint; groupKey: GroupElement },
  nonces: SigningNonces,
  ctx: SigningContext,
): bigint {
  const { Fn, group } = suite;
  const own = ctx.list.find((c) => c.id === signer.id);
  if (!own) throw new Error('the signing package has no commitments of ours');
  const ours =
    own.hiding.equals(group.BASE.multiply(nonces.hiding)) &&
    own.binding.equals(group.BASE.multiply(nonces.binding));
  if (!ours) throw new Error('the signing package alters our commitments');
  const s = keyFlipped(suite, signer.groupKey) ? Fn.neg(signer.signingShare) : signer.signingShare;
  const flip = commitmentFlipped(suite, ctx);
  const d = flip ? Fn.neg(nonces.hiding) : nonces.hiding;
  const e = flip ? Fn.neg(nonces.binding) : nonces.binding;
  const rho = ctx.bindingFactors.get(signer.id)!;
  return Fn.add(Fn.add(d, Fn.mul(e, rho)), Fn.mul(Fn.mul(ctx.lambda(signer.id), s), ctx.challenge));
}

/** RFC 9591 §5.4 verify_signature_share: z_i·G == hiding + ρ_i·binding + (c·λ_i)·Y_i. */
export function verifySignatureShare(
  suite: Ciphersuite,
  signer: { id: bigint; verifyingShare: GroupElement; groupKey: GroupElement },
  z: bigint,
  ctx: SigningContext,
): boolean {
  const { Fn, group } = suite;
  const own = ctx.list.find((c) => c.id === signer.id);
  if (!own) return false;
  const Y = keyFlipped(suite, signer.groupKey)
    ? signer.verifyingShare.negate()
    : signer.verifyingShare;
  const rho = ctx.bindingFactors.get(signer.id)!;
  let share = own.hiding.add(own.binding.multiplyUnsafe(rho));
  if (commitmentFlipped(suite, ctx)) share = share.negate();
  const right = share.add(Y.multiplyUnsafe(Fn.mul(ctx.challenge, ctx.lambda(signer.id))));
  return group.BASE.multiplyUnsafe(z).equals(right);
}
