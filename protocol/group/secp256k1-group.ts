/**
 * What secp256k1 offers beyond a prime-order group, for BIP340/341 (Taproot) and the end-to-end
 * encryption. Both backends implement it: `secp256k1-native.ts` and `secp256k1-noble.ts`.
 *
 * @module
 */
import type { Group, GroupElement } from './group.js';

export type Secp256k1BackendName = 'libsecp256k1' | 'noble';

export interface Secp256k1Group extends Group {
  readonly backend: Secp256k1BackendName;
  /** Whether the (non-identity) element's affine y is even. */
  hasEvenY(element: GroupElement): boolean;
  /** BIP340 lift_x: the element with this 32-byte x and even y; throws if there is none. */
  liftX(x: Uint8Array): GroupElement;
  /** ECDH: x(secretKey · publicKey), 32 bytes. Throws on an invalid secret or public key. */
  ecdh(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
  /** The compressed public key (33 bytes) of a 32-byte secret key in [1, n−1]. */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /** Whether 32 bytes are a secret key in [1, n−1]. */
  isSecretKey(secretKey: Uint8Array): boolean;
}

/** secp256k1's group order n. */
export const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
