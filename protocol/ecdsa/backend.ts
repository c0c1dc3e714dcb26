/**
 * The one curve operation a verification backend provides: a strict ECDSA check of a compact
 * low-S signature over a 32-byte digest. Encoding tolerance lives in `verifier.ts`, above it.
 */
export interface EcdsaBackend {
  readonly name: 'libsecp256k1' | 'noble';
  /**
   * @param compactLowS 64 bytes r||s with s ≤ n/2
   * @param digest 32 bytes (SHA-256 of the message)
   * @param publicKey SEC1, 33 or 65 bytes
   * @returns false for a wrong signature or an unparsable key; never throws
   */
  verifyDigest(compactLowS: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean;
}
