// The two-party multiplication of DKLs23 (docs/dkls23.md, Multiplication): set-up over the
// base OT on both backends, c_k + d_k = a_k·χ for random and edge inputs, sid separation,
// stored set-ups that parse back, a cheating Bob caught by the OT-extension check, a cheating
// Alice caught by the multiplication check, and strict lengths.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_OT_COUNT, BYTES_PER_OT, POINT_BYTES } from '../../protocol/dkls23/base-ot.js';
import {
  MUL_ALICE_MESSAGE_BYTES,
  MUL_BOB_MESSAGE_BYTES,
  MUL_CHECK_COUNT,
  MUL_INPUT_COUNT,
  MUL_OT_COUNT,
  MulAliceSetupSchema,
  MulBobSetupSchema,
  gadgetVector,
  mulCheckChallenges,
  mulCheckDigest,
  mulAliceRespond,
  mulBobFinish,
  mulBobStart,
  mulSetupAliceFinish,
  mulSetupAliceStart,
  mulSetupBobRespond,
  type MulAliceSetup,
  type MulBobSetup,
} from '../../protocol/dkls23/multiplication.js';
import {
  OTE_COLUMNS,
  correlatedOtSend,
  oteSenderExtend,
} from '../../protocol/dkls23/ot-extension.js';
import { scalarField } from '../../protocol/group/scalar-field.js';
import { SECP256K1_ORDER } from '../../protocol/group/secp256k1-group.js';
import { secp256k1Group } from '../../protocol/group/secp256k1.js';
import { onSecp256k1Backend } from './support/backend.js';
import { codeOf } from './support/dkls23-errors.js';

const Fn = scalarField(SECP256K1_ORDER, 32, false);
const N = SECP256K1_ORDER;

const flip = (message: Uint8Array, offset: number, mask = 1) => {
  const out = Uint8Array.from(message);
  out[offset]! ^= mask;
  return out;
};

function setup(sid = randomBytes(32)) {
  const a = mulSetupAliceStart(sid);
  const b = mulSetupBobRespond(sid, a.message);
  const alice = mulSetupAliceFinish(a.state, b.message);
  return {
    sid,
    alice,
    bob: b.setup,
    aliceMessage: a.message,
    bobMessage: b.message,
    state: a.state,
  };
}

function multiply(
  s: { alice: MulAliceSetup; bob: MulBobSetup },
  inputs: [bigint, bigint],
  sid = randomBytes(32),
) {
  const start = mulBobStart(s.bob, sid);
  const reply = mulAliceRespond(s.alice, sid, inputs, start.message);
  return { start, reply, sid, bobShares: mulBobFinish(start.state, reply.message) };
}

/**
 * An Alice who puts `alphaOf(j)` into OT j, and computes η and μ as the honest Alice would for
 * `inputs` (so her reply is well formed; only her consistency across the OTs is off).
 */
function cheatingAliceReply(
  s: MulAliceSetup,
  sid: Uint8Array,
  inputs: [bigint, bigint],
  message: Uint8Array,
  alphaOf: (j: number, honest: bigint[]) => bigint[],
): Uint8Array {
  const delta = hexToBytes(s.delta);
  const rows = oteSenderExtend(sid, s.seeds.map(hexToBytes), delta, MUL_OT_COUNT, message);
  const pads = [Fn.random(), Fn.random()];
  const honest = [...inputs, ...pads];
  const { outputs, message: tau } = correlatedOtSend(
    sid,
    rows,
    delta,
    rows.map((_, j) => alphaOf(j, honest)),
  );
  const theta = mulCheckChallenges(sid, sha256(message), tau);
  const eta = pads.map((p, m) =>
    Fn.add(p, Fn.add(Fn.mul(theta[0]![m]!, inputs[0]), Fn.mul(theta[1]![m]!, inputs[1]))),
  );
  const values = outputs.flatMap((z) =>
    [0, 1].map((m) =>
      Fn.add(Fn.add(Fn.mul(theta[0]![m]!, z[0]!), Fn.mul(theta[1]![m]!, z[1]!)), z[2 + m]!),
    ),
  );
  const mu = mulCheckDigest(sid, values);
  return concatBytes(tau, ...eta.map((e) => Fn.toBytes(e)), mu);
}

describe.each(['noble', 'libsecp256k1'] as const)('DKLs23 multiplication on %s', (backend) => {
  onSecp256k1Backend(backend);
  let pair: ReturnType<typeof setup>;
  beforeAll(() => {
    pair = setup();
  });

  it('c_k + d_k = a_k·χ for random and edge inputs, χ ≠ 0 and χ = Σ β_j·g_j', () => {
    const cases: [bigint, bigint][] = [
      [Fn.random(), Fn.random()],
      [0n, 1n],
      [1n, N - 1n],
      [N - 1n, 0n],
      [0n, 0n],
    ];
    for (const inputs of cases) {
      const run = multiply(pair, inputs);
      expect(run.start.chi).not.toBe(0n);
      const g = gadgetVector(hexToBytes(pair.bob.sid));
      const chi = Fn.create(
        run.start.state.choices.reduce((acc, b, j) => acc + BigInt(b) * g[j]!, 0n),
      );
      expect(chi).toBe(run.start.chi);
      for (let k = 0; k < MUL_INPUT_COUNT; k++) {
        expect(Fn.add(run.reply.shares[k]!, run.bobShares[k]!)).toBe(
          Fn.mul(inputs[k]!, run.start.chi),
        );
      }
    }
  });

  it('has the documented message sizes', () => {
    const run = multiply(pair, [5n, 7n]);
    expect(run.start.message).toHaveLength(MUL_BOB_MESSAGE_BYTES);
    expect(MUL_BOB_MESSAGE_BYTES).toBe(12_304 + 32); // + Bob's nonce
    expect(run.reply.message).toHaveLength(MUL_ALICE_MESSAGE_BYTES);
    expect(MUL_ALICE_MESSAGE_BYTES).toBe(416 * 4 * 32 + 32 + MUL_CHECK_COUNT * 32 + 32); // τ, Alice's nonce, η, μ
  });

  it('different sids give unrelated outputs; Alice on the wrong sid refuses', () => {
    const sid = randomBytes(32);
    const one = multiply(pair, [3n, 4n], sid);
    const two = multiply(pair, [3n, 4n], randomBytes(32));
    expect(two.start.chi).not.toBe(one.start.chi);
    expect(two.reply.shares).not.toEqual(one.reply.shares);
    expect(new Set(two.start.state.rows).size).toBe(MUL_OT_COUNT);
    const rowsOne = new Set(one.start.state.rows);
    expect(two.start.state.rows.some((r) => rowsOne.has(r))).toBe(false);
    const bob = mulBobStart(pair.bob, sid);
    expect(codeOf(() => mulAliceRespond(pair.alice, randomBytes(32), [3n, 4n], bob.message))).toBe(
      'OT_EXTENSION_CHECK_FAILED',
    );
  });

  it('set-ups and Bob state are plain JSON that parse back and still work', () => {
    const alice = MulAliceSetupSchema.parse(JSON.parse(JSON.stringify(pair.alice)));
    const bob = MulBobSetupSchema.parse(JSON.parse(JSON.stringify(pair.bob)));
    const sid = randomBytes(16);
    const start = mulBobStart(bob, sid);
    const state = JSON.parse(JSON.stringify(start.state));
    const reply = mulAliceRespond(alice, sid, [9n, 10n], start.message);
    const d = mulBobFinish(state, reply.message);
    expect(Fn.add(reply.shares[1], d[1])).toBe(Fn.mul(10n, start.chi));
  });

  it("Bob's view of the set-up is base-OT messages only; Δ enters as the base-OT choice bits", () => {
    expect(pair.aliceMessage).toHaveLength(BASE_OT_COUNT * BYTES_PER_OT);
    for (let o = 0; o < pair.aliceMessage.length; o += POINT_BYTES) {
      expect(() =>
        secp256k1Group.fromBytes(pair.aliceMessage.subarray(o, o + POINT_BYTES)),
      ).not.toThrow();
    }
    expect(Object.keys(pair.bob).sort()).toEqual(['seeds0', 'seeds1', 'sid']);
    const delta = hexToBytes(pair.alice.delta);
    const bits = Array.from({ length: OTE_COLUMNS }, (_, i) => (delta[i >>> 3]! >>> (i & 7)) & 1);
    expect(pair.state.ot.choices).toEqual(bits);
    pair.alice.seeds.forEach((seed, i) => {
      expect(seed).toBe((bits[i] ? pair.bob.seeds1 : pair.bob.seeds0)[i]);
    });
    // Set-ups with Δ = 0…0 and Δ = 1…1 send messages of the same shape, every slot a point.
    for (const fill of [0x00, 0xff]) {
      const sid = randomBytes(8);
      const a = mulSetupAliceStart(sid, (n) => new Uint8Array(n).fill(fill));
      expect(a.message).toHaveLength(BASE_OT_COUNT * BYTES_PER_OT);
      const b = mulSetupBobRespond(sid, a.message);
      const alice = mulSetupAliceFinish(a.state, b.message);
      expect(alice.seeds).toEqual(fill ? b.setup.seeds1 : b.setup.seeds0);
    }
  });

  describe('a cheating Bob is caught by the OT-extension check', () => {
    const sid = randomBytes(32);
    let message: Uint8Array;
    let oneColumn: number;
    beforeAll(() => {
      message = mulBobStart(pair.bob, sid).message;
      const delta = hexToBytes(pair.alice.delta);
      oneColumn = Array.from({ length: OTE_COLUMNS }, (_, i) => i).find(
        (i) => (delta[i >>> 3]! >>> (i & 7)) & 1,
      )!;
    });
    const respond = (m: Uint8Array) => () => mulAliceRespond(pair.alice, sid, [1n, 2n], m);
    const column = 80;

    it('u rows, x̃ and t̃ each tampered', () => {
      expect(codeOf(respond(message))).toBe('no error');
      const offsets = [
        oneColumn * column + 10, // u, a column where Δ_i = 1
        7 * column + 79, // u, the mask block
        OTE_COLUMNS * column + 3, // x̃
        OTE_COLUMNS * column + 16 + 16 * 100 + 5, // t̃_100
      ];
      for (const offset of offsets)
        expect(codeOf(respond(flip(message, offset)))).toBe('OT_EXTENSION_CHECK_FAILED');
    });

    it('a refused message changes nothing: the honest one still multiplies', () => {
      const start = mulBobStart(pair.bob, sid);
      expect(codeOf(respond(flip(start.message, 5)))).toBe('OT_EXTENSION_CHECK_FAILED');
      const reply = mulAliceRespond(pair.alice, sid, [1n, 2n], start.message);
      const d = mulBobFinish(start.state, reply.message);
      expect(Fn.add(reply.shares[0], d[0])).toBe(start.chi);
    });
  });

  describe('a cheating Alice is caught by the multiplication check', () => {
    const inputs: [bigint, bigint] = [Fn.random(), Fn.random()];
    let sid: Uint8Array;
    let start: ReturnType<typeof mulBobStart>;
    beforeAll(() => {
      sid = randomBytes(32);
      start = mulBobStart(pair.bob, sid);
    });
    const finish = (reply: Uint8Array) => () => mulBobFinish(start.state, reply);
    const jWith = (bit: 0 | 1) => start.state.choices.indexOf(bit);

    it('the test Alice, honest, passes', () => {
      const reply = cheatingAliceReply(pair.alice, sid, inputs, start.message, (_, a) => a);
      expect(codeOf(finish(reply))).toBe('no error');
    });

    it('another input in one OT (β_j = 1), in either input or pad column', () => {
      for (const k of [0, 1, 2, 3]) {
        const j = jWith(1);
        const reply = cheatingAliceReply(pair.alice, sid, inputs, start.message, (i, a) =>
          i === j ? a.map((v, c) => (c === k ? Fn.add(v, 1n) : v)) : a,
        );
        expect(codeOf(finish(reply))).toBe('MULTIPLICATION_CHECK_FAILED');
      }
    });

    it('another input in every OT with β_j = 1 half of the time (the selective-failure attack)', () => {
      const other = Fn.random();
      const reply = cheatingAliceReply(pair.alice, sid, inputs, start.message, (j, a) =>
        j % 2 ? [other, a[1]!, a[2]!, a[3]!] : a,
      );
      expect(codeOf(finish(reply))).toBe('MULTIPLICATION_CHECK_FAILED');
    });

    it('an inconsistent OT where β_j = 0 is not seen by Bob, and does not change the products', () => {
      const j = jWith(0);
      const reply = cheatingAliceReply(pair.alice, sid, inputs, start.message, (i, a) =>
        i === j ? [Fn.random(), a[1]!, a[2]!, a[3]!] : a,
      );
      expect(codeOf(finish(reply))).toBe('no error');
    });

    it('tampered τ, η or μ', () => {
      const reply = mulAliceRespond(pair.alice, sid, inputs, start.message).message;
      const tauBytes = MUL_OT_COUNT * 4 * 32;
      for (const offset of [
        31,
        32 * 4 * jWith(0) + 31,
        32 * 4 * jWith(1) + 95,
        tauBytes + 31,
        tauBytes + 63,
        tauBytes + 64,
        reply.length - 1,
      ]) {
        expect(codeOf(finish(flip(reply, offset)))).toBe('MULTIPLICATION_CHECK_FAILED');
      }
      expect(codeOf(finish(reply))).toBe('no error');
    });
  });

  describe('strict inputs', () => {
    it('refuses messages of the wrong length, and scalars ≥ order', () => {
      const sid = randomBytes(32);
      const start = mulBobStart(pair.bob, sid);
      const reply = mulAliceRespond(pair.alice, sid, [1n, 2n], start.message).message;
      for (const m of [
        start.message.subarray(1),
        Uint8Array.of(...start.message, 0),
        new Uint8Array(0),
      ]) {
        expect(codeOf(() => mulAliceRespond(pair.alice, sid, [1n, 2n], m))).toBe(
          'INVALID_PROTOCOL_MESSAGE',
        );
      }
      for (const m of [reply.subarray(1), Uint8Array.of(...reply, 0), new Uint8Array(0)]) {
        expect(codeOf(() => mulBobFinish(start.state, m))).toBe('INVALID_PROTOCOL_MESSAGE');
      }
      for (const at of [0, MUL_OT_COUNT * 4 * 32 + 32]) {
        const big = Uint8Array.from(reply);
        big.fill(0xff, at, at + 32);
        expect(codeOf(() => mulBobFinish(start.state, big))).toBe('INVALID_PROTOCOL_MESSAGE');
      }
      expect(codeOf(() => mulSetupBobRespond(sid, pair.aliceMessage.subarray(1)))).toBe(
        'INVALID_OT_MESSAGE',
      );
      expect(codeOf(() => mulSetupAliceFinish(pair.state, pair.bobMessage.subarray(1)))).toBe(
        'INVALID_OT_MESSAGE',
      );
    });

    it('refuses bad caller inputs', () => {
      const sid = randomBytes(32);
      const start = mulBobStart(pair.bob, sid);
      const cases: (() => unknown)[] = [
        () => mulSetupAliceStart(new Uint8Array(0)),
        () => mulSetupAliceStart(new Uint8Array(257)),
        () => mulSetupAliceStart(sid, () => new Uint8Array(3)),
        () => mulBobStart({ ...pair.bob, seeds0: pair.bob.seeds0.slice(1) }, sid),
        () => mulBobStart({ ...pair.bob, extra: 1 } as MulBobSetup, sid),
        () => mulBobStart(pair.bob, new Uint8Array(0)),
        () => mulAliceRespond(pair.alice, sid, [N, 1n], start.message),
        () => mulAliceRespond(pair.alice, sid, [-1n, 1n], start.message),
        () => mulAliceRespond(pair.alice, sid, [1n] as unknown as [bigint, bigint], start.message),
        () => mulAliceRespond({ ...pair.alice, delta: 'zz' }, sid, [1n, 2n], start.message),
        () =>
          mulBobFinish(
            { ...start.state, choices: start.state.choices.slice(1) },
            new Uint8Array(MUL_ALICE_MESSAGE_BYTES),
          ),
        () =>
          mulSetupAliceFinish(
            { ...pair.state, delta: bytesToHex(randomBytes(16)) },
            pair.bobMessage,
          ),
      ];
      cases.forEach((run) => expect(codeOf(run)).toBe('INVALID_OT_INPUT'));
    });
  });
});
