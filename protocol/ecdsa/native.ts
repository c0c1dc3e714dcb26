import { createRequire } from 'node:module';
import type * as Secp256k1 from 'secp256k1';
import type { EcdsaBackend } from './backend.js';

/**
 * libsecp256k1 through the `secp256k1` npm package's native binding (prebuilt for linux-x64).
 * We load `secp256k1/bindings.js` rather than the package main, because the main silently
 * falls back to `elliptic` (slow JS) when the binding is missing; we want to know, and fall
 * back to noble instead. Returns null when the binding cannot load.
 */
export function loadNativeBackend(): EcdsaBackend | null {
  let lib: typeof Secp256k1;
  try {
    const require = createRequire(import.meta.url);
    lib = require('secp256k1/bindings.js') as typeof Secp256k1;
  } catch {
    return null;
  }
  return {
    name: 'libsecp256k1',
    verifyDigest(compactLowS, digest, publicKey) {
      try {
        return lib.ecdsaVerify(compactLowS, digest, publicKey);
      } catch {
        return false; // unparsable key or signature
      }
    },
  };
}
