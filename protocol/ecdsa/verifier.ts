import { createHash } from 'node:crypto';
import { SigSocketError } from '../errors.js';
import type { EcdsaBackend } from './backend.js';
import { loadNativeBackend } from './native.js';
import { nobleBackend } from './noble.js';
import { signatureCandidates } from './signature.js';

/**
 * ECDSA-secp256k1 verification as SigSocket accepts it (docs/signing.md §4): the signature is
 * 64-byte compact r||s or DER, high-S is accepted (normalised), the message is hashed with
 * SHA-256.
 */
export interface SignatureVerifier {
  /** Which backend does the curve work: `libsecp256k1` (native) or `noble` (pure JS). */
  readonly backend: EcdsaBackend['name'];
  /** Verify over SHA-256(message). */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** Verify over a 32-byte digest the caller computed. */
  verifyDigest(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean;
}

export function sha256(message: Uint8Array): Uint8Array {
  return createHash('sha256').update(message).digest();
}

export function createVerifier(backend: EcdsaBackend): SignatureVerifier {
  const verifyDigest = (signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array) => {
    if (digest.length !== 32) return false;
    for (const candidate of signatureCandidates(signature)) {
      if (backend.verifyDigest(candidate, digest, publicKey)) return true;
    }
    return false;
  };
  return {
    backend: backend.name,
    verifyDigest,
    verify: (signature, message, publicKey) => verifyDigest(signature, sha256(message), publicKey),
  };
}

export type BackendChoice = 'auto' | 'native' | 'noble';

/**
 * `auto`: libsecp256k1 when its binding loads, else noble. `native` throws if it cannot load
 * (tests and the benchmark use it to be sure what they measure).
 */
export function loadVerifier(choice: BackendChoice = 'auto'): SignatureVerifier {
  if (choice === 'noble') return createVerifier(nobleBackend);
  const native = loadNativeBackend();
  if (native) return createVerifier(native);
  if (choice === 'native') {
    throw new SigSocketError(
      'NATIVE_VERIFIER_UNAVAILABLE',
      'the libsecp256k1 binding (secp256k1 npm package) cannot be loaded',
    );
  }
  return createVerifier(nobleBackend);
}

let shared: SignatureVerifier | undefined;

/** The process-wide default verifier (auto choice, loaded once). */
export function defaultVerifier(): SignatureVerifier {
  return (shared ??= loadVerifier('auto'));
}
