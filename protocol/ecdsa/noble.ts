import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { EcdsaBackend } from './backend.js';

/** Pure-JS fallback. noble v2 would hash again and insist on low-S unless told otherwise. */
export const nobleBackend: EcdsaBackend = {
  name: 'noble',
  verifyDigest(compactLowS, digest, publicKey) {
    try {
      return secp256k1.verify(compactLowS, digest, publicKey, {
        prehash: false,
        lowS: true,
        format: 'compact',
      });
    } catch {
      return false;
    }
  },
};
