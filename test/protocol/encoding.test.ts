import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import {
  EncodingError,
  PublicKeySchema,
  base64Decode,
  base64Encode,
  bytesToHex,
  hexBytes,
  hexString,
  hexToBytes,
  parsePublicKey,
} from '../../protocol/encoding.js';
import { offCurvePoint } from './helpers.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof EncodingError ? err.code : 'other';
  }
  return undefined;
};

describe('hex', () => {
  it('round-trips, lowercase out, strict in', () => {
    expect(bytesToHex(new Uint8Array([0, 171, 255]))).toBe('00abff');
    expect(hexToBytes('00ABff')).toEqual(new Uint8Array([0, 171, 255]));
    expect(hexToBytes('')).toEqual(new Uint8Array());
    for (const bad of ['0', 'zz', '0x00', ' 00', '00 ']) {
      expect(
        codeOf(() => hexToBytes(bad)),
        bad,
      ).toBe('INVALID_HEX');
    }
    expect(codeOf(() => hexToBytes('0000', 3))).toBe('INVALID_HEX');
  });

  it('hexBytes / hexString schemas enforce lengths and normalise case', () => {
    expect(hexBytes(2).parse('ABcd')).toBe('abcd');
    expect(hexBytes(2).safeParse('abc').success).toBe(false);
    expect(hexBytes(2).safeParse('abcdef').success).toBe(false);
    const s = hexString({ min: 1, max: 2 });
    expect(s.parse('AB')).toBe('ab');
    expect(s.safeParse('').success).toBe(false);
    expect(s.safeParse('aabbcc').success).toBe(false);
    expect(s.safeParse('a').success).toBe(false);
    expect(hexString({ max: 4 }).parse('')).toBe('');
  });
});

describe('base64', () => {
  const bytes = new Uint8Array([251, 255, 191, 0]);
  it('encodes standard padded and decodes standard or url-safe, padded or not', () => {
    expect(base64Encode(bytes)).toBe('+/+/AA==');
    for (const text of ['+/+/AA==', '+/+/AA', '-_-_AA==', '-_-_AA']) {
      expect(base64Decode(text)).toEqual(bytes);
    }
    expect(base64Decode('')).toEqual(new Uint8Array());
  });

  it('rejects garbage', () => {
    const garbage = ['+/-_AA', 'QR==', 'Q', 'QQ=', 'QQ===', 'QQ==QQ==', 'a b=', 'QQ==\n', '@@@@'];
    for (const bad of garbage) {
      expect(
        codeOf(() => base64Decode(bad)),
        bad,
      ).toBe('INVALID_BASE64');
    }
  });
});

describe('public keys', () => {
  const { publicKey } = secp256k1.keygen();
  const compressed = bytesToHex(publicKey);
  const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);

  it('accepts hex (66/130 digits) and base64 (33/65 bytes), returns compressed hex', () => {
    const forms = [
      compressed,
      compressed.toUpperCase(),
      bytesToHex(uncompressed),
      base64Encode(publicKey),
      base64Encode(uncompressed),
    ];
    for (const form of forms) {
      expect(parsePublicKey(form)).toBe(compressed);
      expect(PublicKeySchema.parse(form)).toBe(compressed);
    }
    expect(parsePublicKey(base64Encode(publicKey).replace(/=+$/, ''))).toBe(compressed);
  });

  it('rejects off-curve, identity, wrong length and garbage with a clear error', () => {
    const bad = [
      offCurvePoint(),
      '00'.repeat(33),
      '00',
      base64Encode(new Uint8Array([0])),
      compressed.slice(0, 64),
      '04' + compressed.slice(2) + compressed.slice(2),
      base64Encode(new Uint8Array(32).fill(1)),
      'not a key',
    ];
    for (const b of bad) {
      expect(
        codeOf(() => parsePublicKey(b)),
        b,
      ).toBe('INVALID_PUBLIC_KEY');
      expect(PublicKeySchema.safeParse(b).success).toBe(false);
    }
  });
});
