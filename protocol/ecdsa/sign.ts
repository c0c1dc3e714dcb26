import { secp256k1 } from '@noble/curves/secp256k1.js';

/**
 * Signing for our own clients (reference signers, tests, benchmark set-up): deterministic
 * RFC 6979 ECDSA over SHA-256(message), 64-byte compact, low-S.
 */
export function signMessage(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return secp256k1.sign(message, secretKey);
}

/** The 33-byte compressed public key of a 32-byte secret key. */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return secp256k1.getPublicKey(secretKey, true);
}

/** A fresh random secret key (32 bytes, a valid scalar). */
export function randomSecretKey(): Uint8Array {
  return secp256k1.utils.randomSecretKey();
}

export function isValidSecretKey(secretKey: Uint8Array): boolean {
  return secretKey.length === 32 && secp256k1.utils.isValidSecretKey(secretKey);
}
