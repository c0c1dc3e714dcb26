// The two secp256k1 backends (docs/protocol.md, Group backends) give identical results for every
// operation, on random and edge inputs and on the RFC 9591 vector's values.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupElement } from '../../protocol/group/group.js';
import { secp256k1Group, useSecp256k1Backend } from '../../protocol/group/secp256k1.js';
import { nativeSecp256k1 } from '../../protocol/group/secp256k1-native.js';
import { nobleSecp256k1 } from '../../protocol/group/secp256k1-noble.js';

const native = nativeSecp256k1();
const backends = [nobleSecp256k1, native!] as const;
const n = nobleSecp256k1.order;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const randomScalar = () => (BigInt('0x' + randomBytes(32).toString('hex')) % (n - 1n)) + 1n;

/** What an operation gives: bytes, a boolean, or that it threw. */
function outcome(f: () => GroupElement | boolean | Uint8Array): string {
  try {
    const r = f();
    if (typeof r === 'boolean') return String(r);
    if (r instanceof Uint8Array) return hex(r);
    return r.is0() ? 'identity' : hex(r.toBytes());
  } catch {
    return 'throws';
  }
}

/** Each backend's outcome of the same operation on the same encoded inputs. */
function both(
  op: (
    g: (typeof backends)[number],
    p: (s: bigint) => GroupElement,
  ) => ReturnType<Parameters<typeof outcome>[0]>,
): string[] {
  return backends.map((g) => outcome(() => op(g, (s) => g.BASE.multiply(s))));
}

describe('secp256k1 group backends', () => {
  it('the libsecp256k1 addon loads here (otherwise noble alone would be tested)', () => {
    expect(native?.backend).toBe('libsecp256k1');
  });

  const edge = [1n, 2n, 3n, n - 1n, n - 2n, n / 2n, n / 2n + 1n];
  const scalars = [0n, ...edge, n, -1n, n + 1n];

  it('multiply, multiplyUnsafe and add agree on edge and random scalars', () => {
    const points = [...edge, ...Array.from({ length: 40 }, randomScalar)];
    for (const a of points) {
      for (const k of [...scalars, randomScalar()]) {
        const [x, y] = both((_, p) => p(a).multiply(k));
        expect(y, `multiply ${a}·${k}`).toBe(x);
        const [u, v] = both((_, p) => p(a).multiplyUnsafe(k));
        expect(v, `multiplyUnsafe ${a}·${k}`).toBe(u);
      }
      const b = randomScalar();
      for (const op of [
        (p: (s: bigint) => GroupElement) => p(a).add(p(b)),
        (p: (s: bigint) => GroupElement) => p(a).add(p(a)),
        (p: (s: bigint) => GroupElement) => p(a).add(p(a).negate()),
        (p: (s: bigint) => GroupElement) => p(a).subtract(p(b)),
        (p: (s: bigint) => GroupElement) => p(a).negate(),
        (p: (s: bigint) => GroupElement) => p(a).equals(p(b)),
        (p: (s: bigint) => GroupElement) => p(a).equals(p(a)),
      ]) {
        const [x, y] = both((_, p) => op(p));
        expect(y).toBe(x);
      }
    }
  });

  it('the identity behaves the same', () => {
    const ops: ((g: (typeof backends)[number]) => GroupElement | boolean | Uint8Array)[] = [
      (g) => g.ZERO,
      (g) => g.ZERO.toBytes(),
      (g) => g.ZERO.add(g.BASE),
      (g) => g.BASE.add(g.ZERO),
      (g) => g.ZERO.negate(),
      (g) => g.ZERO.subtract(g.ZERO),
      (g) => g.ZERO.multiply(5n),
      (g) => g.ZERO.multiplyUnsafe(0n),
      (g) => g.ZERO.equals(g.ZERO),
      (g) => g.ZERO.equals(g.BASE),
      (g) => g.BASE.equals(g.ZERO),
      (g) => g.ZERO.is0(),
      (g) => g.msm([], []),
      (g) => g.msm([g.BASE, g.BASE], [0n, 0n]),
      (g) => g.msm([g.BASE, g.BASE], [1n, n - 1n]),
      (g) => g.msm([g.ZERO, g.BASE], [7n, 3n]),
      (g) => g.msm([g.BASE], [1n, 2n]),
    ];
    for (const op of ops) {
      const [x, y] = backends.map((g) => outcome(() => op(g)));
      expect(y, op.toString()).toBe(x);
    }
  });

  it('msm agrees with the sum of products, with repeated and cancelling terms', () => {
    for (const size of [1, 2, 3, 10, 50]) {
      const ks = Array.from({ length: size }, randomScalar);
      const ps = Array.from({ length: size }, randomScalar);
      ks[0] = 0n; // a zero scalar among the terms
      const results = backends.map((g) =>
        outcome(() =>
          g.msm(
            ps.map((s) => g.BASE.multiply(s)),
            ks,
          ),
        ),
      );
      expect(results[1]).toBe(results[0]);
      const direct = ps.reduce((acc, s, i) => (acc + s * ks[i]!) % n, 0n);
      expect(results[0]).toBe(outcome(() => nobleSecp256k1.BASE.multiplyUnsafe(direct)));
    }
  });

  it('decoding accepts and refuses the same bytes', () => {
    const p = (BigInt('0x' + 'f'.repeat(64)) - 0x1000003d0n).toString(16);
    const good = nobleSecp256k1.BASE.multiply(randomScalar());
    const inputs = [
      good.toBytes(),
      good.negate().toBytes(),
      Uint8Array.of(0x04, ...good.toBytes().subarray(1)),
      Uint8Array.of(0x05, ...good.toBytes().subarray(1)),
      Uint8Array.of(0x00, ...good.toBytes().subarray(1)),
      good.toBytes().subarray(1),
      new Uint8Array(33),
      Uint8Array.of(0),
      bytes('02' + p), // x = p
      bytes('02' + (BigInt('0x' + p) + 1n).toString(16)), // x = p + 1 (≡ 1 mod p)
      bytes('02' + '0'.repeat(62) + '05'), // x = 5 is not on the curve
      bytes(
        '04' +
          '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' +
          '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8',
      ), // uncompressed G
    ];
    for (const input of inputs) {
      const [x, y] = backends.map((g) => outcome(() => g.fromBytes(input)));
      expect(y, hex(input)).toBe(x);
    }
    expect(outcome(() => nobleSecp256k1.fromBytes(inputs[0]!))).not.toBe('throws');
    expect(outcome(() => nobleSecp256k1.fromBytes(inputs[8]!))).toBe('throws');
  });

  it('hasEvenY, liftX, ecdh, publicKey and isSecretKey agree', () => {
    let parities = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const s = randomScalar();
      const [x, y] = both((g, p) => g.hasEvenY(p(s)));
      expect(y).toBe(x);
      parities.add(x!);
      const xOnly = nobleSecp256k1.BASE.multiply(s).toBytes().subarray(1);
      const [l1, l2] = backends.map((g) => outcome(() => g.liftX(xOnly)));
      expect(l2).toBe(l1);
      expect(l1!.startsWith('02')).toBe(true);
      const a = randomBytes(32);
      const pub = nobleSecp256k1.publicKey(randomBytes(32));
      const [e1, e2] = backends.map((g) => outcome(() => g.ecdh(a, pub)));
      expect(e2).toBe(e1);
      const [k1, k2] = backends.map((g) => outcome(() => g.publicKey(a)));
      expect(k2).toBe(k1);
    }
    expect([...parities].sort()).toEqual(['false', 'true']);
    for (const g of backends) expect(() => g.hasEvenY(g.ZERO)).toThrow(/identity/);
    parities = new Set();
    for (const x of ['00'.repeat(31) + '05', 'ff'.repeat(32), '00'.repeat(31)]) {
      const [l1, l2] = backends.map((g) => outcome(() => g.liftX(bytes(x))));
      expect(l2).toBe(l1);
    }
    for (const k of [0n, 1n, n - 1n, n, n + 1n]) {
      const key = bytes(k.toString(16).padStart(64, '0').slice(-64));
      const [a, b] = backends.map((g) => String(g.isSecretKey(key)));
      expect(b, String(k)).toBe(a);
    }
    expect(nobleSecp256k1.isSecretKey(new Uint8Array(32))).toBe(false);
  });

  it('gives the RFC 9591 vector values on both backends', () => {
    const v = JSON.parse(
      fs.readFileSync(
        new URL('./vectors/cfrg-poc-frost-secp256k1-sha256.json', import.meta.url),
        'utf8',
      ),
    ) as {
      inputs: { group_secret_key: string; group_public_key: string };
      round_one_outputs: {
        outputs: Record<string, { hiding_nonce: string; hiding_nonce_commitment: string }>;
      };
    };
    for (const g of backends) {
      const key = g.BASE.multiply(BigInt('0x' + v.inputs.group_secret_key));
      expect(hex(key.toBytes())).toBe(v.inputs.group_public_key);
      for (const o of Object.values(v.round_one_outputs.outputs)) {
        const c = g.BASE.multiply(BigInt('0x' + o.hiding_nonce));
        expect(hex(c.toBytes())).toBe(o.hiding_nonce_commitment);
      }
    }
  });

  it('refuses to mix elements of the two backends', () => {
    expect(() => native!.BASE.add(nobleSecp256k1.BASE)).toThrow(/native backend/);
    expect(() => nobleSecp256k1.hasEvenY(native!.BASE)).toThrow(/noble backend/);
  });

  describe('the selected backend', () => {
    let previous: ReturnType<typeof useSecp256k1Backend> | undefined;
    afterEach(() => {
      if (previous) useSecp256k1Backend(previous);
    });
    it('follows useSecp256k1Backend', () => {
      previous = useSecp256k1Backend('noble');
      expect(secp256k1Group.backend).toBe('noble');
      expect(secp256k1Group.BASE).toBe(nobleSecp256k1.BASE);
      useSecp256k1Backend('libsecp256k1');
      expect(secp256k1Group.backend).toBe('libsecp256k1');
      expect(secp256k1Group.BASE).toBe(native!.BASE);
    });
  });
});
