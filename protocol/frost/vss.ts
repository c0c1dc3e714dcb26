// Public-data checks the coordinator needs but noble's FROST does not export: the DKG proof of
// knowledge and VSS evaluation of the summed commitments, for any registered suite. They use only
// the suite's group and hash and mirror noble's `DKG.round2/round3` exactly (cross-checked in
// test/protocol against noble and the ZF vectors).
import { bytesToHex, hexToBytes } from '../encoding.js';
import { schemeInfo, type Scheme } from './schemes.js';
import type { GroupElement } from './suite.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A validated element of the scheme's group from hex (throws on anything else). */
export function elementFromHex(scheme: Scheme, hex: string): GroupElement {
  return schemeInfo(scheme).elementFromBytes(hexToBytes(hex));
}

/**
 * ZF/noble DKG proof of knowledge: c = H_DKG(id || φ_0 || R), DST = contextString || "dkg";
 * valid iff R == μ·G − c·φ_0. `proof` is R||μ in the suite's signature encoding.
 */
export function verifyProofOfKnowledge(
  scheme: Scheme,
  index: number,
  commitment0: string,
  proofHex: string,
): boolean {
  const suite = schemeInfo(scheme);
  try {
    const proof = hexToBytes(proofHex);
    if (proof.length !== suite.signatureBytes) return false;
    const R = suite.commitmentFromBytes(proof.subarray(0, suite.commitmentBytes));
    const mu = suite.scalarFromBytes(proof.subarray(suite.commitmentBytes));
    const phi0 = elementFromHex(scheme, commitment0);
    const id = suite.scalarToBytes(BigInt(index));
    const msg = new Uint8Array([...id, ...phi0.toBytes(), ...R.toBytes()]);
    const c = suite.hashToScalar(msg, utf8(suite.contextString + 'dkg'));
    return R.equals(suite.Point.BASE.multiplyUnsafe(mu).subtract(phi0.multiplyUnsafe(c)));
  } catch {
    return false;
  }
}

/** Σ_k C_k · x^k (RFC 9591 App. C.2 vss evaluation), public data only. */
export function evaluateVss(scheme: Scheme, commitments: GroupElement[], x: number): GroupElement {
  const { Point, order } = schemeInfo(scheme);
  let acc = Point.ZERO;
  let power = 1n;
  for (const c of commitments) {
    acc = acc.add(c.multiplyUnsafe(power));
    power = (power * BigInt(x)) % order;
  }
  return acc;
}

/** SerializeElement(share·B) as hex: the verifying share a signing share implies. */
export function verifyingShareOf(scheme: Scheme, signingShare: string): string {
  const suite = schemeInfo(scheme);
  const share = suite.scalarFromBytes(hexToBytes(signingShare));
  return bytesToHex(suite.Point.BASE.multiply(share).toBytes());
}
