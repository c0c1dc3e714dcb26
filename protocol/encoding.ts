// Byte-string encodings shared by every layer: strict hex, lenient-alphabet but strict base64,
// exact-length zod schemas and secp256k1 public-key normalisation.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base64, base64nopad, base64url, base64urlnopad } from '@scure/base';
import { z } from 'zod';
import { SigSocketError } from './errors.js';
import { secp256k1Group } from './group/secp256k1.js';

export type EncodingErrorCode = 'INVALID_HEX' | 'INVALID_BASE64' | 'INVALID_PUBLIC_KEY';

export class EncodingError extends SigSocketError<EncodingErrorCode> {}

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Lowercase hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Strict hex decode: even length, hex digits only (either case); optional exact byte length. */
export function hexToBytes(hex: string, expectedBytes?: number): Uint8Array<ArrayBuffer> {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) {
    throw new EncodingError('INVALID_HEX', 'expected an even number of hex digits');
  }
  if (expectedBytes !== undefined && hex.length !== expectedBytes * 2) {
    throw new EncodingError(
      'INVALID_HEX',
      `expected ${expectedBytes} bytes (${expectedBytes * 2} hex digits), got ${hex.length} digits`,
    );
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Standard padded base64. */
export function base64Encode(bytes: Uint8Array): string {
  // Node's Buffer codec: several times faster than a JS one on the signing hot path.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Strict base64 decode accepting the standard or the URL-safe alphabet (not mixed), with or
 * without padding. Rejects whitespace, bad lengths and non-zero trailing bits.
 */
export function base64Decode(text: string): Uint8Array {
  if (typeof text !== 'string') throw new EncodingError('INVALID_BASE64', 'expected a string');
  const urlSafe = /[-_]/.test(text);
  const padded = text.includes('=');
  const codec = urlSafe ? (padded ? base64url : base64urlnopad) : padded ? base64 : base64nopad;
  try {
    return codec.decode(text);
  } catch (err) {
    throw new EncodingError('INVALID_BASE64', `invalid base64: ${(err as Error).message}`);
  }
}

/** Zod: exactly `n` bytes of hex (any case in), normalised to lowercase. */
export function hexBytes(n: number) {
  return z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${n * 2}}$`), `expected ${n} bytes as ${n * 2} hex digits`)
    .transform((s) => s.toLowerCase());
}

/** Zod: hex of a byte length within [min, max] bytes, normalised to lowercase. */
export function hexString({ min = 0, max }: { min?: number; max: number }) {
  return z
    .string()
    .max(max * 2, `expected at most ${max} bytes of hex`)
    .regex(HEX_RE, 'expected an even number of hex digits')
    .refine((s) => s.length >= min * 2, `expected at least ${min} bytes of hex`)
    .transform((s) => s.toLowerCase());
}

/** Decode a SEC1 point (33 or 65 bytes), check it is on the curve and not identity. */
export function publicKeyFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 33 && bytes.length !== 65) {
    throw new EncodingError(
      'INVALID_PUBLIC_KEY',
      `public key must be 33 (compressed) or 65 (uncompressed) bytes, got ${bytes.length}`,
    );
  }
  try {
    // The common compressed form through the group backend (libsecp256k1 where it loads: no
    // pure-JS square root per key); the uncompressed form, met at registration only, by noble.
    if (bytes.length === 33) return bytesToHex(secp256k1Group.fromBytes(bytes).toBytes());
    const point = secp256k1.Point.fromBytes(bytes);
    point.assertValidity();
    if (point.is0()) throw new Error('identity point');
    return bytesToHex(point.toBytes(true));
  } catch (err) {
    throw new EncodingError(
      'INVALID_PUBLIC_KEY',
      `public key is not a valid secp256k1 point: ${(err as Error).message}`,
    );
  }
}

/**
 * Parse a secp256k1 public key given as hex (66 or 130 digits) or base64 of 33/65 bytes.
 * Returns the compressed key as lowercase hex (66 digits).
 */
export function parsePublicKey(input: string): string {
  if (typeof input !== 'string') throw new EncodingError('INVALID_PUBLIC_KEY', 'expected a string');
  if ((input.length === 66 || input.length === 130) && HEX_RE.test(input)) {
    return publicKeyFromBytes(hexToBytes(input));
  }
  let bytes: Uint8Array;
  try {
    bytes = base64Decode(input);
  } catch {
    throw new EncodingError(
      'INVALID_PUBLIC_KEY',
      'public key must be hex (66 or 130 digits) or base64 of 33 or 65 bytes',
    );
  }
  return publicKeyFromBytes(bytes);
}

/** Zod: a public key in any accepted form, output as compressed lowercase hex. */
export const PublicKeySchema = z.string().transform((s, ctx) => {
  try {
    return parsePublicKey(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** Zod: a compressed (33-byte) public key in hex only, validated on the curve. */
export const CompressedPublicKeyHexSchema = hexBytes(33).refine((s) => {
  try {
    publicKeyFromBytes(hexToBytes(s));
    return true;
  } catch {
    return false;
  }
}, 'expected a valid compressed secp256k1 point');
