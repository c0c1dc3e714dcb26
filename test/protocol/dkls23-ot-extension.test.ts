// The OT extension of DKLs23 (docs/dkls23.md, OT extension): GF(2^128) against a plain
// reference, the KOS correlation q_j ⊕ t_j = x_j·Δ, the correlated OT over Z_q for both choice
// bits, sid separation, the consistency check against a cheating receiver, and strict lengths.
// Base-OT keys are drawn at random here (the base OT has its own tests); no group is used.
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import type { ChoiceBit } from '../../protocol/dkls23/base-ot.js';
import { GF128_BYTES, gf128Add, gf128Mul } from '../../protocol/dkls23/gf2k.js';
import {
  CHALLENGE_TAG,
  DELTA_BYTES,
  OTE_COLUMNS,
  SEED_BYTES,
  columnBytes,
  correlatedOtReceive,
  correlatedOtSend,
  extensionMessageBytes,
  freshSid,
  oteReceiverExtend,
  oteSenderExtend,
  transferMessageBytes,
} from '../../protocol/dkls23/ot-extension.js';
import { lengthPrefixed, u64 } from '../../protocol/dkls23/hashes.js';
import { expandSeed, rowToScalars } from '../../protocol/dkls23/prg.js';
import { scalarField } from '../../protocol/group/scalar-field.js';
import { SECP256K1_ORDER } from '../../protocol/group/secp256k1-group.js';
import { codeOf } from './support/dkls23-errors.js';

const Fn = scalarField(SECP256K1_ORDER, 32, false);
const N = SECP256K1_ORDER;
const COUNT = 416;

const bit = (bytes: Uint8Array, i: number) => (bytes[i >>> 3]! >>> (i & 7)) & 1;
const randomChoices = (n: number): ChoiceBit[] =>
  Array.from(randomBytes(n), (b) => (b & 1) as ChoiceBit);
const flip = (message: Uint8Array, offset: number, mask = 1) => {
  const out = Uint8Array.from(message);
  out[offset]! ^= mask;
  return out;
};

/** Base-OT outcome without the group: Bob holds both keys, Alice the ones Δ selects. */
function baseOts(delta = randomBytes(DELTA_BYTES)) {
  const seeds0 = Array.from({ length: OTE_COLUMNS }, () => randomBytes(SEED_BYTES));
  const seeds1 = Array.from({ length: OTE_COLUMNS }, () => randomBytes(SEED_BYTES));
  const chosen = seeds0.map((s0, i) => (bit(delta, i) ? seeds1[i]! : s0));
  return { seeds0, seeds1, chosen, delta };
}
/** Δ with bit i = i mod 2: both values present at known columns. */
const alternatingDelta = () => new Uint8Array(DELTA_BYTES).fill(0xaa);

/**
 * A receiver that runs the extension with the choice bits flipped in column `cheatColumn` only,
 * and computes u, χ, x̃ and t̃ as the honest receiver would from those columns (the strongest
 * consistent cheat): it passes exactly when Δ_cheatColumn = 0, which is KOS's accepted leak.
 */
function cheatingExtend(
  sid: Uint8Array,
  seeds0: Uint8Array[],
  seeds1: Uint8Array[],
  choices: ChoiceBit[],
  cheatColumn: number,
): Uint8Array {
  const length = columnBytes(choices.length);
  const x = new Uint8Array(length);
  choices.forEach((c, j) => (x[j >>> 3]! |= c << (j & 7)));
  const xOther = Uint8Array.from(x, (b, k) => (k < choices.length / 8 ? b ^ 0xff : b));
  const nonce = randomBytes(32);
  const fresh = freshSid(sid, nonce);
  const t = seeds0.map((s, i) => expandSeed(fresh, i, s, length));
  const u = seeds1.map((s, i) => {
    const col = expandSeed(fresh, i, s, length);
    const xi = i === cheatColumn ? xOther : x;
    return col.map((b, k) => b ^ t[i]![k]! ^ xi[k]!);
  });
  const uBytes = concatBytes(...u);
  const blocks = length / 16 - 1;
  const chi = Array.from({ length: blocks }, (_, b) =>
    sha256(lengthPrefixed([CHALLENGE_TAG, fresh, u64(choices.length), u64(b), uBytes])).subarray(
      0,
      16,
    ),
  );
  const fold = (col: Uint8Array) =>
    chi.reduce(
      (acc, c, b) => gf128Add(acc, gf128Mul(c, col.subarray(16 * b, 16 * b + 16))),
      col.subarray(16 * blocks),
    );
  return concatBytes(uBytes, fold(x), ...t.map(fold), nonce);
}

// Reference GF(2^128) product on bigint: bit i of the element = bit i of the integer (LE bytes).
const toBig = (b: Uint8Array) => b.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
function referenceMul(a: bigint, b: bigint): bigint {
  let product = 0n;
  for (let i = 0n; i < 128n; i++) if ((b >> i) & 1n) product ^= a << i;
  const modulus = (1n << 128n) | 0x87n;
  for (let i = 254n; i >= 128n; i--) if ((product >> i) & 1n) product ^= modulus << (i - 128n);
  return product;
}

describe('GF(2^128)', () => {
  it('matches a plain shift-and-reduce reference on random and edge operands', () => {
    const edge = [
      new Uint8Array(16),
      Uint8Array.of(1, ...new Uint8Array(15)),
      new Uint8Array(16).fill(0xff),
    ];
    const operands = [...edge, ...Array.from({ length: 20 }, () => randomBytes(GF128_BYTES))];
    for (const a of operands) {
      for (const b of operands.slice(0, 6)) {
        expect(toBig(gf128Mul(a, b))).toBe(referenceMul(toBig(a), toBig(b)));
        expect(gf128Mul(a, b)).toEqual(gf128Mul(b, a));
      }
    }
  });

  it('reduces x^127 · x to x^7 + x^2 + x + 1', () => {
    const x127 = new Uint8Array(16);
    x127[15] = 0x80;
    const x = Uint8Array.of(2, ...new Uint8Array(15));
    expect(gf128Mul(x127, x)).toEqual(Uint8Array.of(0x87, ...new Uint8Array(15)));
  });

  it('distributes over addition', () => {
    const [a, b, c] = [randomBytes(16), randomBytes(16), randomBytes(16)];
    expect(gf128Mul(a, gf128Add(b, c))).toEqual(gf128Add(gf128Mul(a, b), gf128Mul(a, c)));
  });
});

describe('PRG and row hash', () => {
  it('separate sids, indices and seeds', () => {
    const seed = randomBytes(32);
    const sid = randomBytes(16);
    const base = expandSeed(sid, 3, seed, 80);
    expect(base).toHaveLength(80);
    expect(expandSeed(sid, 3, seed, 80)).toEqual(base);
    expect(expandSeed(randomBytes(16), 3, seed, 80)).not.toEqual(base);
    expect(expandSeed(sid, 4, seed, 80)).not.toEqual(base);
    expect(expandSeed(sid, 3, randomBytes(32), 80)).not.toEqual(base);
    const row = randomBytes(16);
    const scalars = rowToScalars(sid, 0, row, 4);
    expect(new Set(scalars).size).toBe(4);
    expect(scalars.every((s) => s >= 0n && s < N)).toBe(true);
    expect(rowToScalars(sid, 1, row, 4)).not.toEqual(scalars);
  });
});

describe('KOS extension', () => {
  it('sizes: 128 columns of ⌈count/128⌉ + 1 blocks', () => {
    expect(columnBytes(COUNT)).toBe(80);
    expect(extensionMessageBytes(COUNT)).toBe(128 * 80 + 16 + 128 * 16 + 32); // + Bob's nonce
    expect(transferMessageBytes(COUNT, 4)).toBe(COUNT * 4 * 32 + 32); // + Alice's nonce
  });

  it('gives q_j ⊕ t_j = x_j·Δ on every row, for both choice values', () => {
    const ot = baseOts();
    const sid = randomBytes(32);
    const choices = randomChoices(COUNT);
    const bob = oteReceiverExtend(sid, ot.seeds0, ot.seeds1, choices);
    expect(bob.message).toHaveLength(extensionMessageBytes(COUNT));
    const q = oteSenderExtend(sid, ot.chosen, ot.delta, COUNT, bob.message);
    const zero = new Uint8Array(16);
    choices.forEach((x, j) => {
      expect(gf128Add(q[j]!, bob.rows[j]!)).toEqual(x ? ot.delta : zero);
    });
    expect(new Set(choices).size).toBe(2);
    expect(new Set(bob.rows.map((r) => Buffer.from(r).toString('hex'))).size).toBe(COUNT);
  });

  it('works for all-0 and all-1 choices and a batch size that is not a multiple of 128', () => {
    for (const value of [0, 1] as const) {
      const ot = baseOts();
      const sid = randomBytes(8);
      const choices = Array<ChoiceBit>(130).fill(value);
      const bob = oteReceiverExtend(sid, ot.seeds0, ot.seeds1, choices);
      const q = oteSenderExtend(sid, ot.chosen, ot.delta, 130, bob.message);
      q.forEach((row, j) =>
        expect(gf128Add(row, bob.rows[j]!)).toEqual(value ? ot.delta : new Uint8Array(16)),
      );
    }
  });

  it('correlated OT: z^A_j + z^B_j = x_j·α_j for both choice values, edge scalars included', () => {
    const ot = baseOts();
    const sid = randomBytes(32);
    const choices = randomChoices(COUNT);
    const bob = oteReceiverExtend(sid, ot.seeds0, ot.seeds1, choices);
    const q = oteSenderExtend(sid, ot.chosen, ot.delta, COUNT, bob.message);
    const alphas = choices.map((_, j) => [0n, 1n, N - 1n, Fn.random(), BigInt(j)]);
    const alice = correlatedOtSend(sid, q, ot.delta, alphas);
    expect(alice.message).toHaveLength(transferMessageBytes(COUNT, 5));
    const zB = correlatedOtReceive(sid, bob.rows, choices, 5, alice.message);
    choices.forEach((x, j) => {
      alphas[j]!.forEach((alpha, k) => {
        expect(Fn.add(alice.outputs[j]![k]!, zB[j]![k]!)).toBe(x ? alpha : 0n);
      });
    });
    // The receiver's outputs are not the correlation itself (they are masked by the pads).
    expect(zB.every((row) => row.every((v) => v !== 0n))).toBe(true);
  });

  it('different sids give unrelated rows, and a sender on the wrong sid refuses', () => {
    const ot = baseOts();
    const choices = randomChoices(COUNT);
    const [sidA, sidB] = [randomBytes(32), randomBytes(32)];
    const a = oteReceiverExtend(sidA, ot.seeds0, ot.seeds1, choices);
    const b = oteReceiverExtend(sidB, ot.seeds0, ot.seeds1, choices);
    const rowsA = new Set(a.rows.map((r) => Buffer.from(r).toString('hex')));
    expect(b.rows.some((r) => rowsA.has(Buffer.from(r).toString('hex')))).toBe(false);
    expect(codeOf(() => oteSenderExtend(sidB, ot.chosen, ot.delta, COUNT, a.message))).toBe(
      'OT_EXTENSION_CHECK_FAILED',
    );
  });

  describe('a cheating receiver is caught', () => {
    const ot = baseOts(alternatingDelta()); // Δ_i = i mod 2
    const sid = randomBytes(32);
    const choices = randomChoices(COUNT);
    const bob = oteReceiverExtend(sid, ot.seeds0, ot.seeds1, choices);
    const column = columnBytes(COUNT);
    const xTildeAt = OTE_COLUMNS * column;
    const tTildeAt = xTildeAt + 16;
    const send = (message: Uint8Array) => () =>
      oteSenderExtend(sid, ot.chosen, ot.delta, COUNT, message);

    it('accepts the honest message', () => {
      expect(codeOf(send(bob.message))).toBe('no error');
    });

    it('a flipped bit of u^i (another choice bit in column i) where Δ_i = 1, payload or mask block', () => {
      for (const i of [1, 63, 127]) {
        for (const offset of [0, 25, 51, 64, 79]) {
          expect(codeOf(send(flip(bob.message, i * column + offset, 0x10)))).toBe(
            'OT_EXTENSION_CHECK_FAILED',
          );
        }
      }
    });

    it('a flipped bit of u^i where Δ_i = 0 is caught too: the challenges hash all of u', () => {
      expect(codeOf(send(flip(bob.message, 2 * column + 3)))).toBe('OT_EXTENSION_CHECK_FAILED');
    });

    it('a receiver with another x in column i, the rest recomputed, is caught iff Δ_i = 1', () => {
      for (const i of [4, 5]) {
        const cheat = cheatingExtend(sid, ot.seeds0, ot.seeds1, choices, i);
        const outcome = codeOf(send(cheat));
        expect(outcome).toBe(bit(ot.delta, i) ? 'OT_EXTENSION_CHECK_FAILED' : 'no error');
      }
    });

    it('a tampered x̃ (each of its bytes)', () => {
      for (let k = 0; k < 16; k++) {
        expect(codeOf(send(flip(bob.message, xTildeAt + k, 1 << (k & 7))))).toBe(
          'OT_EXTENSION_CHECK_FAILED',
        );
      }
    });

    it('a tampered t̃_i, for any i', () => {
      for (const i of [0, 1, 64, 127]) {
        expect(codeOf(send(flip(bob.message, tTildeAt + 16 * i + 7, 0x80)))).toBe(
          'OT_EXTENSION_CHECK_FAILED',
        );
      }
    });

    it('a refused message changes nothing: the honest one still gives the same rows', () => {
      const before = oteSenderExtend(sid, ot.chosen, ot.delta, COUNT, bob.message);
      expect(codeOf(send(flip(bob.message, tTildeAt)))).toBe('OT_EXTENSION_CHECK_FAILED');
      expect(oteSenderExtend(sid, ot.chosen, ot.delta, COUNT, bob.message)).toEqual(before);
    });
  });

  describe('strict inputs', () => {
    const ot = baseOts();
    const sid = randomBytes(32);
    const choices = randomChoices(COUNT);
    const bob = oteReceiverExtend(sid, ot.seeds0, ot.seeds1, choices);
    const q = oteSenderExtend(sid, ot.chosen, ot.delta, COUNT, bob.message);
    const alphas = choices.map(() => [1n, 2n]);
    const alice = correlatedOtSend(sid, q, ot.delta, alphas);

    it('refuses extension messages of the wrong length or type', () => {
      for (const message of [
        bob.message.subarray(1),
        Uint8Array.of(...bob.message, 0),
        new Uint8Array(0),
      ]) {
        expect(codeOf(() => oteSenderExtend(sid, ot.chosen, ot.delta, COUNT, message))).toBe(
          'INVALID_PROTOCOL_MESSAGE',
        );
      }
      expect(codeOf(() => oteSenderExtend(sid, ot.chosen, ot.delta, COUNT, [1, 2] as never))).toBe(
        'INVALID_PROTOCOL_MESSAGE',
      );
      expect(
        codeOf(() => oteSenderExtend(sid, ot.chosen, ot.delta, COUNT - 128, bob.message)),
      ).toBe('INVALID_PROTOCOL_MESSAGE');
    });

    it('refuses transfer messages of the wrong length or with a scalar ≥ order', () => {
      const receive = (m: Uint8Array) => () => correlatedOtReceive(sid, bob.rows, choices, 2, m);
      expect(codeOf(receive(alice.message.subarray(32)))).toBe('INVALID_PROTOCOL_MESSAGE');
      expect(codeOf(receive(Uint8Array.of(...alice.message, 0)))).toBe('INVALID_PROTOCOL_MESSAGE');
      const big = Uint8Array.from(alice.message);
      big.fill(0xff, 64, 96);
      expect(codeOf(receive(big))).toBe('INVALID_PROTOCOL_MESSAGE');
      expect(codeOf(receive(alice.message))).toBe('no error');
    });

    it('refuses bad caller inputs', () => {
      const cases: (() => unknown)[] = [
        () => oteReceiverExtend(new Uint8Array(0), ot.seeds0, ot.seeds1, choices),
        () => oteReceiverExtend(new Uint8Array(257), ot.seeds0, ot.seeds1, choices),
        () => oteReceiverExtend(sid, ot.seeds0.slice(1), ot.seeds1, choices),
        () =>
          oteReceiverExtend(
            sid,
            ot.seeds0,
            ot.seeds1.map((s) => s.subarray(1)),
            choices,
          ),
        () => oteReceiverExtend(sid, ot.seeds0, ot.seeds1, [2 as ChoiceBit]),
        () => oteReceiverExtend(sid, ot.seeds0, ot.seeds1, []),
        () => oteReceiverExtend(sid, ot.seeds0, ot.seeds1, choices, () => new Uint8Array(3)),
        () => oteSenderExtend(sid, ot.chosen, ot.delta.subarray(1), COUNT, bob.message),
        () => oteSenderExtend(sid, ot.chosen, ot.delta, 0, bob.message),
        () =>
          correlatedOtSend(
            sid,
            q,
            ot.delta,
            alphas.map(() => [N, 1n]),
          ),
        () =>
          correlatedOtSend(
            sid,
            q,
            ot.delta,
            alphas.map(() => [-1n, 1n]),
          ),
        () =>
          correlatedOtSend(
            sid,
            q,
            ot.delta,
            alphas.map((a, j) => (j ? a : [1n])),
          ),
        () => correlatedOtSend(sid, q.slice(1), ot.delta, alphas),
        () => correlatedOtReceive(sid, bob.rows, choices, 0, alice.message),
      ];
      cases.forEach((run) => expect(codeOf(run)).toBe('INVALID_OT_INPUT'));
    });
  });
});
