/**
 * The last local step of DKLs23 signing (docs/dkls23.md, ECDSA output): from the combined nonce
 * point R and the combined s, the signature as Bitcoin and Ethereum want it.
 *
 * - r = x(R) mod n (x(R) may exceed n, with probability about 2^-128);
 * - low-S: s > n/2 becomes n − s (BIP-62/BIP-146, EIP-2), which negates the verifying point;
 * - recovery id, computed *after* normalising from the point R' = s⁻¹(h·G + r·pk) that
 *   verification reconstructs: bit 0 = y(R') odd, bit 1 = x(R) ≥ n (ids 2 and 3 are legal);
 * - the signature is checked twice before release: R' must have the x of R, and
 *   `@noble/curves` `secp256k1.verify` (prehash: false, low-S) must accept it.
 *
 * Everything here is public (the signature, the digest, the group key): `msm` is fine.
 *
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { concatBytes } from '@noble/hashes/utils.js';
import type { GroupElement } from '../group/group.js';
import { SECP256K1_ORDER } from '../group/secp256k1-group.js';
import { secp256k1Group } from '../group/secp256k1.js';
import { DklsError } from './errors.js';
import { Fn } from './field.js';

export const DIGEST_BYTES = 32;
/** secp256k1's field prime p: x coordinates are below it. */
const FIELD_PRIME = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const N = SECP256K1_ORDER;
const HALF_ORDER = N >> 1n;

export type RecoveryId = 0 | 1 | 2 | 3;

export interface EcdsaSignature {
  r: bigint;
  /** Low-S: 1 ≤ s ≤ n/2. */
  s: bigint;
  recovery: RecoveryId;
  /** r ‖ s, 32 bytes each, big-endian. */
  compact: Uint8Array;
  /** r ‖ s ‖ v with v = 27 + (recovery & 1) (Ethereum cannot express bit 1). */
  ethereum: Uint8Array;
}

function refuse(message: string, cause?: unknown): never {
  throw new DklsError('SIGNATURE_INVALID', message, [], cause === undefined ? {} : { cause });
}

function bigintOf(bytes: Uint8Array): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

/** The compressed encoding of a non-identity point, or a SIGNATURE_INVALID naming it. */
function encode(point: GroupElement, name: string): Uint8Array {
  try {
    return point.toBytes();
  } catch (cause) {
    return refuse(`${name} is not a valid non-identity point`, cause);
  }
}

/**
 * The recovery id from the full x of the nonce point (0 ≤ x < p) and the parity of y of the
 * point that verifies the low-S signature: bit 0 = y odd, bit 1 = x ≥ n.
 */
export function recoveryId(nonceX: bigint, verifyingPointHasOddY: boolean): RecoveryId {
  if (typeof nonceX !== 'bigint' || nonceX < 0n || nonceX >= FIELD_PRIME) {
    throw new DklsError('INVALID_OT_INPUT', 'the nonce x must be a field element in [0, p)');
  }
  return ((nonceX >= N ? 2 : 0) | (verifyingPointHasOddY ? 1 : 0)) as RecoveryId;
}

/**
 * From R (the combined nonce point), s (combined), the 32-byte digest and the group key: r = x(R)
 * mod n; low-S normalised; recovery id (bit 0 = y of the point that verifies after normalising is
 * odd; bit 1 = x(R) ≥ n). Throws DklsError SIGNATURE_INVALID if R or the key is the identity,
 * r = 0, s is not in [1, n) or the signature does not verify; INVALID_OT_INPUT if the digest is
 * not 32 bytes.
 */
export function finishEcdsaSignature(
  R: GroupElement,
  s: bigint,
  digest: Uint8Array,
  groupKey: GroupElement,
): EcdsaSignature {
  if (!(digest instanceof Uint8Array) || digest.length !== DIGEST_BYTES) {
    throw new DklsError('INVALID_OT_INPUT', `the digest must be ${DIGEST_BYTES} bytes`);
  }
  const nonceX = bigintOf(encode(R, 'R').subarray(1));
  const key = encode(groupKey, 'the group key');
  const r = nonceX % N;
  if (r === 0n) refuse('r = x(R) mod n is 0');
  if (typeof s !== 'bigint' || s <= 0n || s >= N) refuse('s must be in [1, n)');
  const lowS = s > HALF_ORDER ? N - s : s;

  // R' = s⁻¹·h·G + s⁻¹·r·pk: the point verification reconstructs; it must have the x of R.
  const h = Fn.create(bigintOf(digest));
  const sInverse = Fn.inv(lowS);
  const verifying = secp256k1Group.msm(
    [secp256k1Group.BASE, groupKey],
    [Fn.mul(h, sInverse), Fn.mul(r, sInverse)],
  );
  const verifyingBytes = encode(verifying, "the verifying point R'");
  if (bigintOf(verifyingBytes.subarray(1)) !== nonceX) {
    refuse('the signature does not verify under the group key');
  }
  const compact = concatBytes(Fn.toBytes(r), Fn.toBytes(lowS));
  if (!secp256k1.verify(compact, digest, key, { prehash: false, lowS: true })) {
    refuse('the signature does not verify under the group key (noble)');
  }
  const recovery = recoveryId(nonceX, verifyingBytes[0] === 0x03);
  const ethereum = concatBytes(compact, Uint8Array.of(27 + (recovery & 1)));
  return { r, s: lowS, recovery, compact, ethereum };
}
