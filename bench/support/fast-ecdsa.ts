// Key generation and signing for the benchmark's own signers: libsecp256k1 through the
// `secp256k1` package's native binding (~15x faster than noble here, which matters when 10,000
// signers must each answer a proof-of-possession challenge), noble when it cannot load.
// Same output: RFC 6979 ECDSA over SHA-256(message), 64-byte compact, low-S.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Secp256k1 from 'secp256k1';
import { publicKeyOf, randomSecretKey, signMessage } from '../../protocol/ecdsa/sign.js';

function loadNative(): typeof Secp256k1 | null {
  try {
    return createRequire(import.meta.url)('secp256k1/bindings.js') as typeof Secp256k1;
  } catch {
    return null;
  }
}
const native = loadNative();

export const newSecretKey = randomSecretKey;

export function publicKeyFor(secretKey: Uint8Array): Uint8Array {
  return native ? native.publicKeyCreate(secretKey, true) : publicKeyOf(secretKey);
}

export function signFast(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  if (!native) return signMessage(secretKey, message);
  return native.ecdsaSign(createHash('sha256').update(message).digest(), secretKey).signature;
}
