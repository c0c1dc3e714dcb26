// Public-data checks of the DKG for any registered suite, on the engine: the proof of knowledge
// (alone, or many at once as one batch), VSS evaluation, and the verifying share of a signing
// share. Cross-checked in test/protocol against the ZF vectors and noble's FROST.
import { bytesToHex, hexToBytes } from '../encoding.js';
import { invalidProofs, proofHolds, type ProofClaim } from './engine/batch.js';
import { decodeSignature } from './engine/schnorr.js';
import { FrostError } from './errors.js';
import type { Round1Package } from './schemas.js';
import { schemeInfo, type Scheme } from './schemes.js';
import type { GroupElement } from './suite.js';

/** A validated element of the scheme's group from hex (throws on anything else). */
export function elementFromHex(scheme: Scheme, hex: string): GroupElement {
  return schemeInfo(scheme).elementFromBytes(hexToBytes(hex));
}

/** A proof of knowledge to check: who sent it, its φ_0 and the proof R || μ (hex). */
export interface ProofToCheck {
  index: number;
  commitment0: string;
  proofOfKnowledge: string;
}

/** The decoded claim, or null when φ_0 or the proof does not decode. */
function decodeProof(scheme: Scheme, p: ProofToCheck): ProofClaim | null {
  const suite = schemeInfo(scheme);
  try {
    const { R, z: mu } = decodeSignature(suite, hexToBytes(p.proofOfKnowledge));
    const phi0 = elementFromHex(scheme, p.commitment0);
    return { index: p.index, id: BigInt(p.index), phi0, R, mu };
  } catch {
    return null;
  }
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
  const claim = decodeProof(scheme, { index, commitment0, proofOfKnowledge: proofHex });
  return claim !== null && proofHolds(schemeInfo(scheme), claim);
}

/** Indexes (ascending) whose proof of knowledge fails, checked as one batch (engine/batch.ts). */
function invalidProofsOfKnowledge(scheme: Scheme, proofs: ProofToCheck[]): number[] {
  const claims: ProofClaim[] = [];
  const bad: number[] = [];
  for (const p of proofs) {
    const claim = decodeProof(scheme, p);
    if (claim) claims.push(claim);
    else bad.push(p.index);
  }
  return [...bad, ...invalidProofs(schemeInfo(scheme), claims)].sort((a, b) => a - b);
}

/** Throws INVALID_PROOF_OF_KNOWLEDGE naming every sender whose round-1 proof fails. */
export function assertProofsOfKnowledge(
  scheme: Scheme,
  packages: readonly (readonly [number, Round1Package])[],
): void {
  const bad = invalidProofsOfKnowledge(
    scheme,
    packages.map(([index, p]) => ({
      index,
      commitment0: p.commitments[0]!,
      proofOfKnowledge: p.proofOfKnowledge,
    })),
  );
  if (bad.length) {
    throw new FrostError('INVALID_PROOF_OF_KNOWLEDGE', 'invalid DKG proof of knowledge', bad);
  }
}

/** SerializeElement(share·B) as hex: the verifying share a signing share implies. */
export function verifyingShareOf(scheme: Scheme, signingShare: string): string {
  const suite = schemeInfo(scheme);
  const share = suite.scalarFromBytes(hexToBytes(signingShare));
  return bytesToHex(suite.group.BASE.multiply(share).toBytes());
}
