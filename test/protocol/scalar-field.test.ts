// The engine's scalars (protocol/group/scalar-field.ts) against noble's fields: the same bytes in
// both byte orders, the same refusals, inverses, and random scalars never 0 or ≥ the order.
import { ed448 } from '@noble/curves/ed448.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scalarField } from '../../protocol/group/scalar-field.js';

const fields = [
  {
    name: 'secp256k1 (BE, 32)',
    Fn: scalarField(secp256k1.Point.Fn.ORDER, 32, false),
    noble: secp256k1.Point.Fn,
  },
  {
    name: 'ed25519 (LE, 32)',
    Fn: scalarField(ed25519.Point.Fn.ORDER, 32, true),
    noble: ed25519.Point.Fn,
  },
  { name: 'ed448 (LE, 57)', Fn: scalarField(ed448.Point.Fn.ORDER, 57, true), noble: null },
];

describe.each(fields)('$name', ({ Fn, noble }) => {
  const n = Fn.ORDER;
  const samples = [0n, 1n, 2n, n - 1n, n / 2n, ...Array.from({ length: 20 }, () => Fn.random())];

  it('serializes as noble does and reads back its own bytes', () => {
    for (const x of samples) {
      const bytes = Fn.toBytes(x);
      expect(bytes.length).toBe(Fn.BYTES);
      expect(Fn.fromBytes(bytes)).toBe(x);
      if (noble)
        expect(Buffer.from(bytes).toString('hex')).toBe(
          Buffer.from(noble.toBytes(x)).toString('hex'),
        );
    }
  });

  it('refuses the order, values above it, wrong lengths and out-of-range input', () => {
    const be = Uint8Array.from(Buffer.from(n.toString(16).padStart(Fn.BYTES * 2, '0'), 'hex'));
    const order = Fn.isLE ? be.reverse() : be;
    expect(() => Fn.fromBytes(order)).toThrow(/order/);
    expect(() => Fn.fromBytes(new Uint8Array(Fn.BYTES).fill(0xff))).toThrow(/order/);
    expect(() => Fn.fromBytes(new Uint8Array(Fn.BYTES - 1))).toThrow(/bytes/);
    expect(() => Fn.fromBytes(new Uint8Array(Fn.BYTES + 1))).toThrow(/bytes/);
    expect(() => Fn.toBytes(n)).toThrow();
    expect(() => Fn.toBytes(-1n)).toThrow();
  });

  it('reads bytes of any length as the integer they spell, in its byte order', () => {
    // A reference reading, byte by byte, for the hex-based one.
    const reference = (bytes: Uint8Array) =>
      (Fn.isLE ? [...bytes].reverse() : [...bytes]).reduce((v, b) => (v << 8n) | BigInt(b), 0n);
    expect(Fn.reduceBytes(new Uint8Array(0))).toBe(0n);
    for (const length of [1, 2, 31, 32, 33, 48, 57, 64, 90]) {
      const bytes = new Uint8Array(randomBytes(length));
      expect(Fn.reduceBytes(bytes)).toBe(Fn.create(reference(bytes)));
      expect(Fn.reduceBytes(new Uint8Array(length))).toBe(0n); // all zeros
      expect(Fn.reduceBytes(new Uint8Array(length).fill(0xff))).toBe(
        Fn.create(reference(new Uint8Array(length).fill(0xff))),
      );
    }
    // A view into a larger buffer reads only its own bytes, and is left unchanged.
    const buffer = new Uint8Array(randomBytes(Fn.BYTES + 8));
    const view = buffer.subarray(4, 4 + Fn.BYTES);
    const before = Uint8Array.from(view);
    expect(Fn.reduceBytes(view)).toBe(Fn.create(reference(before)));
    expect(view).toEqual(before);
    // 1 with the padding where the byte order puts the high bytes (trailing zeros in LE).
    const one = new Uint8Array(Fn.BYTES);
    one[Fn.isLE ? 0 : Fn.BYTES - 1] = 1;
    expect(Fn.fromBytes(one)).toBe(1n);
  });

  it('inverts, negates and reduces', () => {
    for (const x of samples.filter((s) => s !== 0n)) expect(Fn.mul(x, Fn.inv(x))).toBe(1n);
    expect(() => Fn.inv(0n)).toThrow();
    expect(Fn.neg(1n)).toBe(n - 1n);
    expect(Fn.neg(0n)).toBe(0n);
    expect(Fn.create(-1n)).toBe(n - 1n);
    expect(Fn.reduceBytes(Fn.toBytes(n - 1n))).toBe(n - 1n);
  });

  it('random scalars are in [1, order − 1], also from extreme randomness', () => {
    const fixed = (byte: number) => (len: number) => new Uint8Array(len).fill(byte);
    for (const rng of [fixed(0), fixed(0xff), (len: number) => randomBytes(len)]) {
      const x = Fn.random(rng);
      expect(x >= 1n && x < n).toBe(true);
    }
  });
});
