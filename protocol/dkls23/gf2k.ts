/**
 * GF(2^128) with the modulus x^128 + x^7 + x^2 + x + 1: the field of the OT-extension
 * consistency check (docs/dkls23.md, OT extension). An element is 16 bytes, bit i of the
 * polynomial being bit (i mod 8) of byte ⌊i/8⌋ (little-endian in bits and bytes), the same order
 * as the bits of an OT-extension column, so a 128-bit block of a column is read as is.
 *
 * The product runs a fixed 128 steps and selects by masks, never by branches on the operands'
 * bits, because the check multiplies secret rows.
 *
 * @module
 */

/** Bytes of one element. */
export const GF128_BYTES = 16;

function words(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    const o = 4 * w;
    out[w] =
      (bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24)) >>> 0;
  }
  return out;
}

function toBytes(value: Uint32Array): Uint8Array {
  const out = new Uint8Array(GF128_BYTES);
  for (let w = 0; w < 4; w++) {
    const v = value[w]!;
    out.set([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24], 4 * w);
  }
  return out;
}

/** a ⊕ b (field addition). */
export function gf128Add(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(GF128_BYTES);
  for (let k = 0; k < GF128_BYTES; k++) out[k] = a[k]! ^ b[k]!;
  return out;
}

/** a · b mod x^128 + x^7 + x^2 + x + 1, constant time in both operands. */
export function gf128Mul(a: Uint8Array, b: Uint8Array): Uint8Array {
  const v = words(a);
  const m = words(b);
  const z = new Uint32Array(4);
  for (let i = 0; i < 128; i++) {
    const mask = -((m[i >>> 5]! >>> (i & 31)) & 1) >>> 0;
    z[0]! ^= v[0]! & mask;
    z[1]! ^= v[1]! & mask;
    z[2]! ^= v[2]! & mask;
    z[3]! ^= v[3]! & mask;
    // v ← v·x: shift left one bit, fold x^128 back as x^7 + x^2 + x + 1 (0x87).
    const carry = v[3]! >>> 31;
    v[3] = (v[3]! << 1) | (v[2]! >>> 31);
    v[2] = (v[2]! << 1) | (v[1]! >>> 31);
    v[1] = (v[1]! << 1) | (v[0]! >>> 31);
    v[0] = (v[0]! << 1) ^ (-carry & 0x87);
  }
  return toBytes(z);
}
