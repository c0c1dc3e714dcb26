/**
 * Scalars of a prime-order group: `bigint` mod the order, with RFC 9591's SerializeScalar /
 * DeserializeScalar in the suite's byte order and size (docs/protocol.md, Group backends).
 * JavaScript `bigint` arithmetic is not constant-time; docs/protocol.md says what that means.
 *
 * @module
 */
import { randomBytes } from '@noble/hashes/utils.js';

/** A source of random bytes: `rng(n)` returns n fresh bytes. */
export type RandomBytes = (bytes: number) => Uint8Array;

export interface ScalarField {
  readonly ORDER: bigint;
  /** Ns: bytes of SerializeScalar. */
  readonly BYTES: number;
  readonly isLE: boolean;
  /** x mod ORDER, in [0, ORDER). */
  create(x: bigint): bigint;
  add(a: bigint, b: bigint): bigint;
  sub(a: bigint, b: bigint): bigint;
  mul(a: bigint, b: bigint): bigint;
  neg(a: bigint): bigint;
  /** The inverse of a non-zero scalar; throws on zero. */
  inv(a: bigint): bigint;
  /** SerializeScalar of 0 ≤ x < ORDER; throws otherwise. */
  toBytes(x: bigint): Uint8Array;
  /** DeserializeScalar: exactly BYTES bytes, value below ORDER; throws otherwise. */
  fromBytes(bytes: Uint8Array): bigint;
  /** Any number of bytes read in the field's byte order, reduced mod ORDER (hash outputs). */
  reduceBytes(bytes: Uint8Array): bigint;
  /** A uniformly random scalar in [1, ORDER − 1]. */
  random(rng?: RandomBytes): bigint;
}

/**
 * The bytes as an unsigned integer, most significant part first: the odd bytes, then 64-bit
 * words (about 3x faster than parsing hex on Node 20, where bytesToHex is a JS loop).
 */
function readBytes(bytes: Uint8Array, littleEndian: boolean): bigint {
  const n = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  const head = n % 8;
  let x = 0n;
  for (let k = 0; k < head; k++) x = (x << 8n) | BigInt(bytes[littleEndian ? n - 1 - k : k]!);
  for (let k = head; k < n; k += 8) {
    x = (x << 64n) | view.getBigUint64(littleEndian ? n - k - 8 : k, littleEndian);
  }
  return x;
}

/** The field of scalars mod `order`, serialized as `bytes` bytes, little- or big-endian. */
export function scalarField(order: bigint, bytes: number, littleEndian: boolean): ScalarField {
  const create = (x: bigint) => {
    const r = x % order;
    return r < 0n ? r + order : r;
  };
  return {
    ORDER: order,
    BYTES: bytes,
    isLE: littleEndian,
    create,
    add: (a, b) => create(a + b),
    sub: (a, b) => create(a - b),
    mul: (a, b) => create(a * b),
    neg: (a) => create(-a),
    inv(a) {
      // Extended Euclid on (a mod order, order).
      let [r0, r1] = [create(a), order];
      let [s0, s1] = [1n, 0n];
      if (r0 === 0n) throw new Error('zero has no inverse');
      while (r1 !== 0n) {
        const q = r0 / r1;
        [r0, r1] = [r1, r0 - q * r1];
        [s0, s1] = [s1, s0 - q * s1];
      }
      return create(s0);
    },
    toBytes(x) {
      if (x < 0n || x >= order) throw new Error('scalar out of range');
      const out = new Uint8Array(bytes);
      const view = new DataView(out.buffer);
      let v = x;
      let k = 0;
      // Least significant first: 64-bit words, then the odd bytes.
      for (; k + 8 <= bytes; k += 8) {
        view.setBigUint64(littleEndian ? k : bytes - k - 8, BigInt.asUintN(64, v), littleEndian);
        v >>= 64n;
      }
      for (; k < bytes; k++) {
        out[littleEndian ? k : bytes - 1 - k] = Number(v & 0xffn);
        v >>= 8n;
      }
      return out;
    },
    fromBytes(input) {
      if (input.length !== bytes) {
        throw new Error(`expected a ${bytes}-byte scalar, got ${input.length} bytes`);
      }
      const value = readBytes(input, littleEndian);
      if (value >= order) throw new Error('scalar is not less than the group order');
      return value;
    },
    reduceBytes: (input) => create(readBytes(input, littleEndian)),
    random(rng = randomBytes) {
      // 16 bytes beyond the scalar size make the bias of the reduction below 2^-128.
      return (readBytes(rng(bytes + 16), littleEndian) % (order - 1n)) + 1n;
    },
  };
}
