/**
 * Two-party multiplication of DKLs23 (docs/dkls23.md, Multiplication): the random VOLE of the
 * paper's Functionality 3.5 with ℓ = 2 inputs for Alice and a random input χ for Bob, built on
 * the base OT (set-up, once per ordered pair) and the OT extension (once per multiplication).
 *
 *   Bob:   ξ = 416 random bits β, χ = Σ_j β_j·g_j ≠ 0 (g: public gadget vector of the setup);
 *          extends ξ OTs with choices β (OT-extension receiver).
 *   Alice: checks the extension; correlated OTs with α_j = (a_1, a_2, â_1, â_2), â_m random
 *          check pads; θ_{k,m} = H(sid, H(Bob's message), τ); η_m = â_m + Σ_k θ_{k,m}·a_k;
 *          μ = H(sid, (Σ_k θ_{k,m}·z^A_{j,k} + z^A_{j,2+m})_{j,m}); shares c_k = Σ_j g_j·z^A_{j,k}.
 *   Bob:   z^B from τ; checks μ = H(sid, (β_j·η_m − Σ_k θ_{k,m}·z^B_{j,k} − z^B_{j,2+m})_{j,m});
 *          outputs d_k = Σ_j g_j·z^B_{j,k}, so c_k + d_k = a_k·χ.
 *
 * The check catches an Alice whose α_j differ across j (which would make Bob's result, or his
 * abort, depend on single bits β_j). A failed check of either kind means the counterparty
 * cheated: the caller must never run this set-up with it again (docs/dkls23.md).
 *
 * State and set-ups are plain JSON data (hex strings, numbers) and secret. The per-multiplication
 * sid should be unique per signing and ordered pair; the OT extension's fresh nonces keep a
 * repeated one from repeating any pad.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  bytesToHex,
  concatBytes,
  hexToBytes,
  randomBytes,
  utf8ToBytes,
} from '@noble/hashes/utils.js';
import { z } from 'zod';
import { hexBytes } from '../encoding.js';
import type { RandomBytes } from '../group/scalar-field.js';
import { SECP256K1_ORDER } from '../group/secp256k1-group.js';
import {
  BASE_OT_COUNT,
  otReceiverFinish,
  otReceiverRound1,
  otSenderRespond,
  type ChoiceBit,
  type OtReceiverState,
} from './base-ot.js';
import { DklsError } from './errors.js';
import { equalBytes, lengthPrefixed, u64 } from './hashes.js';
import { parseInput, randomFrom, SidHexSchema, SidSchema } from './input.js';
import {
  DELTA_BYTES,
  SCALAR_BYTES,
  correlatedOtReceive,
  correlatedOtSend,
  decodeScalars,
  extensionMessageBytes,
  oteReceiverExtend,
  oteSenderExtend,
  transferMessageBytes,
} from './ot-extension.js';
import { Fn } from './field.js';

/** ℓ: Alice's inputs per multiplication. */
export const MUL_INPUT_COUNT = 2;
/** ρ: check pads (mask columns) per multiplication. */
export const MUL_CHECK_COUNT = 2;
/** ξ = 256 + 2·80: Bob's OTs per multiplication. */
export const MUL_OT_COUNT = 416;
/** Scalars per OT in the transfer: the inputs and the check pads. */
export const MUL_WIDTH = MUL_INPUT_COUNT + MUL_CHECK_COUNT;
/** Bob's message: the OT-extension message for ξ OTs. */
export const MUL_BOB_MESSAGE_BYTES = extensionMessageBytes(MUL_OT_COUNT);
/** Alice's reply: the transfer message (τ, ξ × 4 scalars, and her nonce) ‖ η (2 scalars) ‖ μ (32 bytes). */
export const MUL_ALICE_MESSAGE_BYTES =
  transferMessageBytes(MUL_OT_COUNT, MUL_WIDTH) + MUL_CHECK_COUNT * SCALAR_BYTES + 32;

export const GADGET_TAG = utf8ToBytes('dkls23/mul/gadget/v1');
export const THETA_TAG = utf8ToBytes('dkls23/mul/theta/v1');
export const CHECK_TAG = utf8ToBytes('dkls23/mul/check/v1');

const Seeds = z.array(hexBytes(32)).length(BASE_OT_COUNT);

export interface MulSetupAliceState {
  /** Set-up sid, hex. */
  sid: string;
  /** Δ, 16 bytes hex: the base-OT choice bits, bit i = bit (i mod 8) of byte ⌊i/8⌋. */
  delta: string;
  ot: OtReceiverState;
}

export interface MulAliceSetup {
  sid: string;
  delta: string;
  /** key_{Δ_i} of base OT i, hex. */
  seeds: string[];
}

export interface MulBobSetup {
  sid: string;
  /** key_0 and key_1 of every base OT, hex. */
  seeds0: string[];
  seeds1: string[];
}

export interface MulBobState {
  /** Set-up sid (names the gadget vector), hex. */
  setupSid: string;
  /** Multiplication sid, hex. */
  sid: string;
  /** β, one bit per OT. */
  choices: ChoiceBit[];
  /** The OT-extension rows t_j, 16 bytes hex each. */
  rows: string[];
  /** SHA-256 of Bob's OT-extension message, hex (bound into the check's challenges). */
  transcript: string;
}

export const MulAliceSetupSchema: z.ZodType<MulAliceSetup> = z
  .object({ sid: SidHexSchema, delta: hexBytes(DELTA_BYTES), seeds: Seeds })
  .strict();

export const MulBobSetupSchema: z.ZodType<MulBobSetup> = z
  .object({ sid: SidHexSchema, seeds0: Seeds, seeds1: Seeds })
  .strict();

const MulSetupAliceStateSchema = z
  .object({ sid: SidHexSchema, delta: hexBytes(DELTA_BYTES), ot: z.unknown() })
  .strict();

const MulBobStateSchema: z.ZodType<MulBobState> = z
  .object({
    setupSid: SidHexSchema,
    sid: SidHexSchema,
    choices: z.array(z.union([z.literal(0), z.literal(1)])).length(MUL_OT_COUNT),
    rows: z.array(hexBytes(16)).length(MUL_OT_COUNT),
    transcript: hexBytes(32),
  })
  .strict();

function bitsOf(bytes: Uint8Array, count: number): ChoiceBit[] {
  return Array.from({ length: count }, (_, i) => ((bytes[i >>> 3]! >>> (i & 7)) & 1) as ChoiceBit);
}

const gadgetCache = new Map<string, bigint[]>();

/** g_j = H_q(tag, setup sid, j): public, one vector per set-up (both directions differ by sid). */
export function gadgetVector(setupSid: Uint8Array): bigint[] {
  const key = bytesToHex(setupSid);
  let g = gadgetCache.get(key);
  if (!g) {
    g = Array.from({ length: MUL_OT_COUNT }, (_, j) =>
      Fn.reduceBytes(
        concatBytes(
          sha256(lengthPrefixed([GADGET_TAG, setupSid, u64(j), Uint8Array.of(0)])),
          sha256(lengthPrefixed([GADGET_TAG, setupSid, u64(j), Uint8Array.of(1)])).subarray(0, 16),
        ),
      ),
    );
    if (gadgetCache.size > 256) gadgetCache.clear();
    gadgetCache.set(key, g);
  }
  return g;
}

/** Σ_j g_j·z_{j,k} for column k. */
function gadgetSum(g: readonly bigint[], z: readonly (readonly bigint[])[], k: number): bigint {
  let acc = 0n;
  g.forEach((gj, j) => {
    acc += gj * z[j]![k]!;
  });
  return Fn.create(acc);
}

/**
 * θ_{k,m} (Fiat–Shamir): from the sid, a digest of Bob's OT-extension message and τ, hashed
 * once; 48 bytes per θ so the reduction mod the order is unbiased to 2^−128.
 */
export function mulCheckChallenges(
  sid: Uint8Array,
  bobMessageDigest: Uint8Array,
  tau: Uint8Array,
): bigint[][] {
  const seed = sha256(lengthPrefixed([THETA_TAG, sid, bobMessageDigest, tau]));
  const part = (k: number, m: number, half: number) =>
    sha256(lengthPrefixed([THETA_TAG, seed, u64(k), u64(m), Uint8Array.of(half)]));
  return Array.from({ length: MUL_INPUT_COUNT }, (_, k) =>
    Array.from({ length: MUL_CHECK_COUNT }, (_, m) =>
      Fn.reduceBytes(concatBytes(part(k, m, 0), part(k, m, 1).subarray(0, 16))),
    ),
  );
}

/** μ: the hash of the ξ × ρ check values. */
export function mulCheckDigest(sid: Uint8Array, values: readonly bigint[]): Uint8Array {
  return sha256(lengthPrefixed([CHECK_TAG, sid, ...values.map((v) => Fn.toBytes(v))]));
}

// ---- Set-up (base OT with roles reversed: Alice receives with choice bits Δ) ----

/** Alice, first step: a random Δ, and the base-OT receiver message with choice bits Δ. */
export function mulSetupAliceStart(
  sid: Uint8Array,
  rng: RandomBytes = randomBytes,
): { state: MulSetupAliceState; message: Uint8Array } {
  const sessionId = parseInput(SidSchema, sid, 'sid');
  const delta = randomFrom(rng, DELTA_BYTES);
  const { state, message } = otReceiverRound1(sessionId, bitsOf(delta, BASE_OT_COUNT));
  return { state: { sid: bytesToHex(sessionId), delta: bytesToHex(delta), ot: state }, message };
}

/** Bob: answer as base-OT sender (its scalars from the platform CSPRNG); his set-up is both keys of every base OT. */
export function mulSetupBobRespond(
  sid: Uint8Array,
  message: Uint8Array,
): { setup: MulBobSetup; message: Uint8Array } {
  const sessionId = parseInput(SidSchema, sid, 'sid');
  const sent = otSenderRespond(sessionId, message, BASE_OT_COUNT);
  return {
    setup: {
      sid: bytesToHex(sessionId),
      seeds0: sent.keys0.map(bytesToHex),
      seeds1: sent.keys1.map(bytesToHex),
    },
    message: sent.message,
  };
}

/** Alice, second step: her set-up is Δ and key_{Δ_i} of every base OT. */
export function mulSetupAliceFinish(state: MulSetupAliceState, message: Uint8Array): MulAliceSetup {
  const s = parseInput(MulSetupAliceStateSchema, state, 'state');
  const ot = s.ot as OtReceiverState;
  const delta = hexToBytes(s.delta);
  const expected = bitsOf(delta, BASE_OT_COUNT);
  if (
    typeof ot !== 'object' ||
    ot === null ||
    ot.sid !== s.sid ||
    !Array.isArray(ot.choices) ||
    ot.choices.length !== BASE_OT_COUNT ||
    !expected.every((bit, i) => ot.choices[i] === bit)
  ) {
    throw new DklsError('INVALID_OT_INPUT', 'state.ot does not belong to this set-up');
  }
  const keys = otReceiverFinish(ot, message);
  return { sid: s.sid, delta: s.delta, seeds: keys.map(bytesToHex) };
}

// ---- One multiplication ----

/** Bob, first step: random β with χ = Σ β_j·g_j ≠ 0, and the OT-extension message. */
export function mulBobStart(
  setup: MulBobSetup,
  sid: Uint8Array,
  rng: RandomBytes = randomBytes,
): { state: MulBobState; message: Uint8Array; chi: bigint } {
  const s = parseInput(MulBobSetupSchema, setup, 'setup');
  const sessionId = parseInput(SidSchema, sid, 'sid');
  const g = gadgetVector(hexToBytes(s.sid));
  let choices: ChoiceBit[];
  let chi: bigint;
  do {
    const bytes = randomFrom(rng, MUL_OT_COUNT / 8);
    choices = bitsOf(bytes, MUL_OT_COUNT);
    let acc = 0n;
    choices.forEach((bit, j) => {
      acc += BigInt(bit) * g[j]!;
    });
    chi = Fn.create(acc);
  } while (chi === 0n); // probability about 1/order
  const { message, rows } = oteReceiverExtend(
    sessionId,
    s.seeds0.map(hexToBytes),
    s.seeds1.map(hexToBytes),
    choices,
    rng,
  );
  return {
    state: {
      setupSid: s.sid,
      sid: bytesToHex(sessionId),
      choices,
      rows: rows.map(bytesToHex),
      transcript: bytesToHex(sha256(message)),
    },
    message,
    chi,
  };
}

/**
 * Alice: check Bob's extension, transfer her inputs and the check, and keep her shares.
 * Throws OT_EXTENSION_CHECK_FAILED if Bob's message is inconsistent.
 */
export function mulAliceRespond(
  setup: MulAliceSetup,
  sid: Uint8Array,
  inputs: readonly [bigint, bigint],
  message: Uint8Array,
  rng: RandomBytes = randomBytes,
): { shares: [bigint, bigint]; message: Uint8Array } {
  const s = parseInput(MulAliceSetupSchema, setup, 'setup');
  const sessionId = parseInput(SidSchema, sid, 'sid');
  const a = parseInput(
    z
      .tuple([z.bigint(), z.bigint()])
      .refine(
        (v) => v.every((x) => x >= 0n && x < SECP256K1_ORDER),
        'inputs must be scalars in [0, order)',
      ),
    inputs,
    'inputs',
  );
  const delta = hexToBytes(s.delta);
  const rows = oteSenderExtend(sessionId, s.seeds.map(hexToBytes), delta, MUL_OT_COUNT, message);
  const pads = Array.from({ length: MUL_CHECK_COUNT }, () => Fn.random(rng));
  const alpha = [...a, ...pads];
  const { outputs, message: tau } = correlatedOtSend(
    sessionId,
    rows,
    delta,
    rows.map(() => alpha),
    rng,
  );
  const theta = mulCheckChallenges(sessionId, sha256(message), tau);
  const eta = pads.map((pad, m) =>
    Fn.add(pad, Fn.create(a.reduce((acc, ak, k) => acc + theta[k]![m]! * ak, 0n))),
  );
  const checkValues = outputs.flatMap((zA) =>
    pads.map((_, m) =>
      Fn.create(
        zA.slice(0, MUL_INPUT_COUNT).reduce((acc, v, k) => acc + theta[k]![m]! * v, 0n) +
          zA[MUL_INPUT_COUNT + m]!,
      ),
    ),
  );
  const g = gadgetVector(hexToBytes(s.sid));
  return {
    shares: [gadgetSum(g, outputs, 0), gadgetSum(g, outputs, 1)],
    message: concatBytes(
      tau,
      ...eta.map((e) => Fn.toBytes(e)),
      mulCheckDigest(sessionId, checkValues),
    ),
  };
}

/** Bob, second step: his shares. Throws MULTIPLICATION_CHECK_FAILED if Alice's reply fails. */
export function mulBobFinish(state: MulBobState, message: Uint8Array): [bigint, bigint] {
  const s = parseInput(MulBobStateSchema, state, 'state');
  if (!(message instanceof Uint8Array) || message.length !== MUL_ALICE_MESSAGE_BYTES) {
    throw new DklsError(
      'INVALID_PROTOCOL_MESSAGE',
      `the multiplication reply must be ${MUL_ALICE_MESSAGE_BYTES} bytes`,
    );
  }
  const sessionId = hexToBytes(s.sid);
  const tauBytes = message.subarray(0, transferMessageBytes(MUL_OT_COUNT, MUL_WIDTH));
  const eta = decodeScalars(message.subarray(tauBytes.length, message.length - 32));
  const digest = message.subarray(message.length - 32);
  const zB = correlatedOtReceive(sessionId, s.rows.map(hexToBytes), s.choices, MUL_WIDTH, tauBytes);
  const theta = mulCheckChallenges(sessionId, hexToBytes(s.transcript), tauBytes);
  const checkValues = zB.flatMap((row, j) =>
    eta.map((e, m) =>
      Fn.create(
        BigInt(s.choices[j]!) * e -
          row.slice(0, MUL_INPUT_COUNT).reduce((acc, v, k) => acc + theta[k]![m]! * v, 0n) -
          row[MUL_INPUT_COUNT + m]!,
      ),
    ),
  );
  const expected = mulCheckDigest(sessionId, checkValues);
  if (!equalBytes(expected, digest)) {
    throw new DklsError('MULTIPLICATION_CHECK_FAILED', 'the multiplication reply fails its check');
  }
  const g = gadgetVector(hexToBytes(s.setupSid));
  return [gadgetSum(g, zB, 0), gadgetSum(g, zB, 1)];
}
