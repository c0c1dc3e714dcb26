// Public-data checks the coordinator needs but noble's FROST does not export: the DKG proof of
// knowledge, VSS evaluation of the summed commitments and the Taproot post-DKG tweak. They use
// only noble primitives (Point, hash_to_field) and mirror noble's `DKG.round2/round3` and
// `frostTweakPublic` exactly (cross-checked in test/protocol against noble and the ZF vectors).
import { schnorr, secp256k1, secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '../encoding.js';
import { schemeInfo, type Scheme } from './schemes.js';

const { Point } = secp256k1;
const { Fn } = Point;
export type CurvePoint = InstanceType<typeof Point>;

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export function pointFromHex(hex: string): CurvePoint {
  const p = Point.fromBytes(hexToBytes(hex));
  p.assertValidity();
  if (p.is0()) throw new Error('identity point');
  return p;
}

export const hasEvenY = (p: CurvePoint): boolean => p.toBytes(true)[0] === 0x02;

/** Decode R from a proof/signature: 33-byte compressed, or (Taproot) 32-byte x-only with even Y. */
function decodeR(bytes: Uint8Array): CurvePoint {
  if (bytes.length === 33) return pointFromHex(bytesToHex(bytes));
  return schnorr.utils.lift_x(BigInt('0x' + bytesToHex(bytes)));
}

/**
 * ZF/noble DKG proof of knowledge: c = H_DKG(id || φ_0 || R), DST = contextString || "dkg";
 * valid iff R == μ·G − c·φ_0. `proof` is R||μ (R compressed, or x-only for Taproot).
 */
export function verifyProofOfKnowledge(
  scheme: Scheme,
  index: number,
  commitment0: string,
  proofHex: string,
): boolean {
  const { contextString, signatureBytes } = schemeInfo(scheme);
  const proof = hexToBytes(proofHex);
  if (proof.length !== signatureBytes) return false;
  try {
    const R = decodeR(proof.subarray(0, -32));
    const mu = Fn.fromBytes(proof.subarray(-32));
    const phi0 = pointFromHex(commitment0);
    const id = Fn.toBytes(BigInt(index));
    const msg = new Uint8Array([...id, ...phi0.toBytes(true), ...R.toBytes(true)]);
    const c = secp256k1_hasher.hashToScalar(msg, { DST: utf8(contextString + 'dkg') });
    return R.equals(Point.BASE.multiplyUnsafe(mu).subtract(phi0.multiplyUnsafe(c)));
  } catch {
    return false;
  }
}

/** Σ_k C_k · x^k (RFC 9591 App. C.2 vss evaluation), public data only. */
export function evaluateVss(commitments: CurvePoint[], x: number): CurvePoint {
  let acc = Point.ZERO;
  let power = 1n;
  for (const c of commitments) {
    acc = acc.add(c.multiplyUnsafe(power));
    power = Fn.mul(power, BigInt(x));
  }
  return acc;
}

/** BIP341 TapTweak scalar for an x-only key with an empty script tree (BIP86). */
export function tapTweak(xOnly: Uint8Array): bigint {
  const t = BigInt('0x' + bytesToHex(schnorr.utils.taggedHash('TapTweak', xOnly)));
  if (t >= Fn.ORDER) throw new Error('invalid TapTweak hash');
  return t;
}

/** BIP86 output key Q = lift_x(x(P)) + TapTweak(x(P))·G. */
export function taprootOutputKey(internal: CurvePoint): CurvePoint {
  const even = hasEvenY(internal) ? internal : internal.negate();
  return even.add(Point.BASE.multiply(tapTweak(even.toBytes(true).subarray(1))));
}
