// The base OT of DKLs23 (docs/dkls23.md): correlation on random inputs, strict decoding in both
// directions, binding of sid and index, and the "Devious Transfer" rule for the unchosen slot.
import { secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
  BASE_OT_COUNT,
  BYTES_PER_OT,
  POINT_BYTES,
  otReceiverFinish,
  otReceiverRound1,
  otSenderRespond,
  type ChoiceBit,
  type OtReceiverState,
} from '../../protocol/dkls23/base-ot.js';
import { deriveKey, HASH_TO_CURVE_DST, hashToPoint } from '../../protocol/dkls23/hashes.js';
import { secp256k1Group } from '../../protocol/group/secp256k1.js';
import { onSecp256k1Backend } from './support/backend.js';
import { codeOf } from './support/dkls23-errors.js';

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const hex = (b: Uint8Array) => bytesToHex(b);
const randomChoices = (n: number): ChoiceBit[] =>
  Array.from(randomBytes(n), (b) => (b & 1) as ChoiceBit);
const sid = () => randomBytes(32);

function x32(x: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'));
}
function isOnCurveX(x: bigint): boolean {
  const pow = (b: bigint, e: bigint) => {
    let r = 1n;
    for (b %= P; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
    return r;
  };
  return pow((x * x * x + 7n) % P, (P - 1n) / 2n) === 1n; // Euler: x³ + 7 is a square
}
function smallX(onCurve: boolean): bigint {
  let x = 1n;
  while (isOnCurveX(x) !== onCurve) x++;
  return x;
}
/** Encodings `fromBytes` must refuse, each 33 bytes (the message length stays right). */
const badPoints: Record<string, Uint8Array> = {
  'off the curve': Uint8Array.of(2, ...x32(smallX(false))),
  'identity (all zeros)': new Uint8Array(POINT_BYTES),
  'x ≥ p (x + p of a valid x)': Uint8Array.of(2, ...x32(smallX(true) + P)),
  'bad prefix': Uint8Array.of(5, ...x32(smallX(true))),
  'uncompressed prefix': Uint8Array.of(4, ...x32(smallX(true))),
};

function withPoint(message: Uint8Array, ot: number, slot: number, point: Uint8Array) {
  const out = Uint8Array.from(message);
  out.set(point, ot * BYTES_PER_OT + slot * POINT_BYTES);
  return out;
}
function runOt(choices: ChoiceBit[], id = sid()) {
  const r1 = otReceiverRound1(id, choices);
  const sender = otSenderRespond(id, r1.message, choices.length);
  const received = otReceiverFinish(r1.state, sender.message);
  return { r1, sender, received };
}

describe.each(['noble', 'libsecp256k1'] as const)('DKLs23 base OT on %s', (backend) => {
  onSecp256k1Backend(backend);

  it.each([
    ['random', () => randomChoices(BASE_OT_COUNT)],
    ['all 0', () => Array<ChoiceBit>(BASE_OT_COUNT).fill(0)],
    ['all 1', () => Array<ChoiceBit>(BASE_OT_COUNT).fill(1)],
  ])('with %s choice bits the receiver gets key_c and not key_(1−c)', (_, make) => {
    const choices = make();
    const { r1, sender, received } = runOt(choices);
    expect(r1.message.length).toBe(BASE_OT_COUNT * BYTES_PER_OT);
    expect(sender.message.length).toBe(BASE_OT_COUNT * BYTES_PER_OT);
    expect(received).toHaveLength(BASE_OT_COUNT);
    choices.forEach((c, i) => {
      const chosen = c === 0 ? sender.keys0[i]! : sender.keys1[i]!;
      const other = c === 0 ? sender.keys1[i]! : sender.keys0[i]!;
      expect(received[i]!.length).toBe(32);
      expect(hex(received[i]!)).toBe(hex(chosen));
      expect(hex(received[i]!)).not.toBe(hex(other));
    });
    // All 2κ sender keys are distinct (fresh b per OT and slot, index bound into H').
    expect(new Set([...sender.keys0, ...sender.keys1].map(hex)).size).toBe(2 * BASE_OT_COUNT);
  });

  it('keeps its state as plain data: a JSON round trip finishes the same', () => {
    const choices = randomChoices(8);
    const id = sid();
    const r1 = otReceiverRound1(id, choices);
    const sender = otSenderRespond(id, r1.message, 8);
    const copy = JSON.parse(JSON.stringify(r1.state)) as OtReceiverState;
    expect(otReceiverFinish(copy, sender.message).map(hex)).toEqual(
      otReceiverFinish(r1.state, sender.message).map(hex),
    );
  });

  it('Devious Transfer: both slots, chosen or not, are valid 33-byte points of one format', () => {
    for (const choices of [Array<ChoiceBit>(128).fill(0), Array<ChoiceBit>(128).fill(1)]) {
      const { message } = otReceiverRound1(sid(), choices);
      const prefixes = [new Set<number>(), new Set<number>()];
      for (let i = 0; i < 128; i++) {
        for (const slot of [0, 1]) {
          const start = i * BYTES_PER_OT + slot * POINT_BYTES;
          const bytes = message.subarray(start, start + POINT_BYTES);
          const point = secp256k1Group.fromBytes(bytes);
          expect(hex(point.toBytes())).toBe(hex(bytes));
          prefixes[slot]!.add(bytes[0]!);
        }
      }
      // Both parities appear in either slot (a miss has probability 2^-127 per slot).
      expect([...prefixes[0]!].sort()).toEqual([2, 3]);
      expect([...prefixes[1]!].sort()).toEqual([2, 3]);
    }
  });

  it('the chosen slot satisfies r_c + H(sid, i, c, r_(1−c)) = a·G, the unchosen one is fresh', () => {
    const id = sid();
    const choices: ChoiceBit[] = [0, 1, 1, 0];
    const { state, message } = otReceiverRound1(id, choices);
    const unchosen = new Set<string>();
    choices.forEach((c, i) => {
      const at = (slot: number) =>
        message.subarray(
          i * BYTES_PER_OT + slot * POINT_BYTES,
          i * BYTES_PER_OT + (slot + 1) * POINT_BYTES,
        );
      const a = BigInt('0x' + state.secrets[i]!);
      const m = secp256k1Group.fromBytes(at(c)).add(hashToPoint(id, i, c, at(1 - c)));
      expect(m.equals(secp256k1Group.BASE.multiply(a))).toBe(true);
      unchosen.add(hex(at(1 - c)));
    });
    expect(unchosen.size).toBe(choices.length);
  });

  describe('a receiver message the sender refuses, nothing output', () => {
    const id = sid();
    const good = () => otReceiverRound1(id, randomChoices(4)).message;

    it.each(Object.entries(badPoints))('point %s, in either slot', (_, bad) => {
      for (const slot of [0, 1]) {
        expect(codeOf(() => otSenderRespond(id, withPoint(good(), 2, slot, bad), 4))).toBe(
          'INVALID_OT_MESSAGE',
        );
      }
    });

    it('wrong length (one byte short, one too many, another batch size, not bytes)', () => {
      const m = good();
      expect(codeOf(() => otSenderRespond(id, m.subarray(1), 4))).toBe('INVALID_OT_MESSAGE');
      expect(codeOf(() => otSenderRespond(id, Uint8Array.of(...m, 0), 4))).toBe(
        'INVALID_OT_MESSAGE',
      );
      expect(codeOf(() => otSenderRespond(id, m, 5))).toBe('INVALID_OT_MESSAGE');
      expect(codeOf(() => otSenderRespond(id, m, BASE_OT_COUNT))).toBe('INVALID_OT_MESSAGE');
      expect(codeOf(() => otSenderRespond(id, hex(m) as unknown as Uint8Array, 4))).toBe(
        'INVALID_OT_MESSAGE',
      );
    });

    it('r_j = −H(sid, i, j, r_(1−j)), which makes M_j the identity', () => {
      const m = good();
      const other = m.subarray(POINT_BYTES, 2 * POINT_BYTES);
      const evil = hashToPoint(id, 0, 0, other).negate().toBytes();
      expect(codeOf(() => otSenderRespond(id, withPoint(m, 0, 0, evil), 4))).toBe(
        'INVALID_OT_MESSAGE',
      );
    });
  });

  describe('a sender message the receiver refuses, nothing output', () => {
    const setup = (choices: ChoiceBit[]) => {
      const id = sid();
      const r1 = otReceiverRound1(id, choices);
      return { state: r1.state, reply: otSenderRespond(id, r1.message, choices.length).message };
    };

    it.each(Object.entries(badPoints))('point %s as B_c or B_(1−c)', (_, bad) => {
      for (const c of [0, 1] as const) {
        const { state, reply } = setup([c, c, c]);
        for (const slot of [0, 1]) {
          expect(codeOf(() => otReceiverFinish(state, withPoint(reply, 1, slot, bad)))).toBe(
            'INVALID_OT_MESSAGE',
          );
        }
      }
    });

    it('a cheating sender with an invalid B_(1−c) is caught, whatever c is (no selective failure)', () => {
      const offCurve = badPoints['off the curve']!;
      for (const c of [0, 1] as const) {
        const { state, reply } = setup([c]);
        expect(codeOf(() => otReceiverFinish(state, reply))).toBe('no error');
        expect(codeOf(() => otReceiverFinish(state, withPoint(reply, 0, 1 - c, offCurve)))).toBe(
          'INVALID_OT_MESSAGE',
        );
      }
    });

    it('wrong length', () => {
      const { state, reply } = setup([0, 1]);
      expect(codeOf(() => otReceiverFinish(state, reply.subarray(0, BYTES_PER_OT)))).toBe(
        'INVALID_OT_MESSAGE',
      );
      expect(codeOf(() => otReceiverFinish(state, Uint8Array.of(...reply, 2)))).toBe(
        'INVALID_OT_MESSAGE',
      );
    });
  });

  it('different sid → the keys do not match', () => {
    const choices = randomChoices(16);
    const r1 = otReceiverRound1(utf8ToBytes('session A'), choices);
    const sender = otSenderRespond(utf8ToBytes('session B'), r1.message, 16);
    const received = otReceiverFinish(r1.state, sender.message);
    choices.forEach((_, i) => {
      expect([hex(sender.keys0[i]!), hex(sender.keys1[i]!)]).not.toContain(hex(received[i]!));
    });
  });

  it('different index → different keys: OTs moved to other positions no longer match', () => {
    const id = sid();
    const choices: ChoiceBit[] = [0, 0];
    const r1 = otReceiverRound1(id, choices);
    const swapped = Uint8Array.of(
      ...r1.message.subarray(BYTES_PER_OT),
      ...r1.message.subarray(0, BYTES_PER_OT),
    );
    const sender = otSenderRespond(id, swapped, 2);
    const back = Uint8Array.of(
      ...sender.message.subarray(BYTES_PER_OT),
      ...sender.message.subarray(0, BYTES_PER_OT),
    );
    const received = otReceiverFinish(r1.state, back);
    const all = [...sender.keys0, ...sender.keys1].map(hex);
    for (const key of received) expect(all).not.toContain(hex(key));
    const point = secp256k1Group.BASE.multiply(7n);
    expect(hex(deriveKey(id, 0, 0, point))).not.toBe(hex(deriveKey(id, 1, 0, point)));
    expect(hex(deriveKey(id, 0, 0, point))).not.toBe(hex(deriveKey(id, 0, 1, point)));
  });

  it('refuses malformed caller input with INVALID_OT_INPUT', () => {
    const id = sid();
    expect(codeOf(() => otReceiverRound1(new Uint8Array(0), [0]))).toBe('INVALID_OT_INPUT');
    expect(codeOf(() => otReceiverRound1(id, []))).toBe('INVALID_OT_INPUT');
    expect(codeOf(() => otReceiverRound1(id, [2 as ChoiceBit]))).toBe('INVALID_OT_INPUT');
    expect(codeOf(() => otSenderRespond(id, new Uint8Array(0), 0))).toBe('INVALID_OT_INPUT');
    const r1 = otReceiverRound1(id, [1]);
    const reply = otSenderRespond(id, r1.message, 1).message;
    const zero = { ...r1.state, secrets: ['00'.repeat(32)] };
    const big = { ...r1.state, secrets: ['ff'.repeat(32)] };
    const short = { ...r1.state, secrets: [] };
    for (const state of [zero, big, short]) {
      expect(codeOf(() => otReceiverFinish(state, reply))).toBe('INVALID_OT_INPUT');
    }
  });
});

describe('DKLs23 base OT hash to curve', () => {
  it('is RFC 9380 secp256k1_XMD:SHA-256_SSWU_RO_ (test vector J.8.1, msg "")', () => {
    const dst = utf8ToBytes('QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_');
    const p = secp256k1_hasher.hashToCurve(new Uint8Array(0), { DST: dst }).toAffine();
    expect(p.x.toString(16)).toBe(
      'c1cae290e291aee617ebaef1be6d73861479c48b841eaba9b7b5852ddfeb1346',
    );
    expect(p.y.toString(16)).toBe(
      '64fa678e07ae116126f08b022a94af6de15985c996c3a91b64c406a960e51067',
    );
    expect(new TextDecoder().decode(HASH_TO_CURVE_DST)).toMatch(/secp256k1_XMD:SHA-256_SSWU_RO_$/);
  });
});
