import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { loadNativeBackend } from '../../protocol/ecdsa/native.js';
import { hasHighS, isSignatureEncoding } from '../../protocol/ecdsa/signature.js';
import { createVerifier, loadVerifier } from '../../protocol/ecdsa/verifier.js';
import { nobleBackend } from '../../protocol/ecdsa/noble.js';
import { toDer, toHighS } from '../support/signing.js';

const secretKey = secp256k1.utils.randomSecretKey();
const publicKey = secp256k1.getPublicKey(secretKey, true);
const uncompressed = secp256k1.getPublicKey(secretKey, false);
const otherKey = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true);
const message = new TextEncoder().encode('transfer 10 to bob');
const compact = secp256k1.sign(message, secretKey);
const ORDER = Buffer.from(
  'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141',
  'hex',
);

interface Case {
  name: string;
  signature: Uint8Array;
  message?: Uint8Array;
  key?: Uint8Array;
  valid: boolean;
}

const cases: Case[] = [
  { name: 'compact low-S', signature: compact, valid: true },
  { name: 'DER', signature: toDer(compact), valid: true },
  { name: 'compact high-S', signature: toHighS(compact), valid: true },
  { name: 'DER high-S', signature: toDer(toHighS(compact)), valid: true },
  { name: 'uncompressed key', signature: compact, key: uncompressed, valid: true },
  { name: 'wrong key', signature: compact, key: otherKey, valid: false },
  {
    name: 'wrong message',
    signature: compact,
    message: new TextEncoder().encode('transfer 99 to eve'),
    valid: false,
  },
  { name: 'garbage bytes', signature: new Uint8Array(40).fill(0x5a), valid: false },
  { name: 'empty', signature: new Uint8Array(0), valid: false },
  { name: 'all zero compact', signature: new Uint8Array(64), valid: false },
  { name: 'r = n', signature: new Uint8Array([...ORDER, ...compact.subarray(32)]), valid: false },
  { name: 'truncated DER', signature: toDer(compact).subarray(0, 30), valid: false },
  {
    name: 'DER with trailing byte',
    signature: new Uint8Array([...toDer(compact), 0]),
    valid: false,
  },
  {
    name: 'key not on the curve',
    signature: compact,
    key: new Uint8Array([2, ...new Uint8Array(32).fill(0xff)]),
    valid: false,
  },
  { name: 'key of wrong length', signature: compact, key: publicKey.subarray(0, 20), valid: false },
];

const native = loadNativeBackend();

describe('ECDSA verifier', () => {
  it('loads libsecp256k1 on this machine (the fast path the server uses)', () => {
    expect(native).not.toBeNull();
    expect(loadVerifier('auto').backend).toBe('libsecp256k1');
  });

  for (const backend of [nobleBackend, native!]) {
    describe(`backend ${backend?.name ?? 'native (missing)'}`, () => {
      const verifier = createVerifier(backend);
      for (const c of cases) {
        it(`${c.valid ? 'accepts' : 'rejects'} ${c.name}`, () => {
          expect(verifier.verify(c.signature, c.message ?? message, c.key ?? publicKey)).toBe(
            c.valid,
          );
        });
      }
      it('verifies over a digest the caller computed, and only 32-byte digests', () => {
        const digest = createHash('sha256').update(message).digest();
        expect(verifier.verifyDigest(toDer(compact), digest, publicKey)).toBe(true);
        expect(verifier.verifyDigest(compact, digest.subarray(0, 31), publicKey)).toBe(false);
      });
    });
  }

  it('never mutates the signature it is given', () => {
    const high = toHighS(compact);
    const copy = new Uint8Array(high);
    loadVerifier('native').verify(high, message, publicKey);
    expect(high).toEqual(copy);
    expect(hasHighS(high)).toBe(true);
  });

  it('tells signature encodings from junk', () => {
    expect(isSignatureEncoding(compact)).toBe(true);
    expect(isSignatureEncoding(toDer(compact))).toBe(true);
    expect(isSignatureEncoding(new Uint8Array(63))).toBe(false);
  });
});
