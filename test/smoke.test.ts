import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1.js';

describe('toolchain', () => {
  it('runs noble ECDSA round trip', () => {
    const { secretKey, publicKey } = secp256k1.keygen();
    const msg = new TextEncoder().encode('hello');
    expect(secp256k1.verify(secp256k1.sign(msg, secretKey), msg, publicKey)).toBe(true);
  });
});
