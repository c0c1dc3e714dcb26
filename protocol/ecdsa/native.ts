import { loadSecp256k1Addon } from '../group/native-addon.js';
import type { EcdsaBackend } from './backend.js';

/** ECDSA verification by libsecp256k1, or null when the addon cannot load (then noble). */
export function loadNativeBackend(): EcdsaBackend | null {
  const lib = loadSecp256k1Addon();
  if (!lib) return null;
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
