/**
 * The base oblivious transfer of DKLs23: the endemic OT of Masny–Rindal at n = 2, a batch of
 * OTs in two messages (docs/dkls23.md, Base OT). The receiver learns one 32-byte key per OT, the
 * one its choice bit names; the sender learns both keys and nothing about the bits.
 *
 *   receiver → sender: per OT, r_0 ‖ r_1 (r_{1−c} = k·G, r_c = a·G − H(sid, i, c, r_{1−c}))
 *   sender → receiver: per OT, B_0 ‖ B_1 (B_j = b_j·G)
 *   key_j = H'(sid, i, j, b_j·M_j) with M_j = r_j + H(sid, i, j, r_{1−j}); the receiver's
 *   a·B_c equals b_c·M_c because M_c = a·G.
 *
 * Pure functions: messages are bytes, the receiver's state is plain data (hex), inputs are
 * checked at the edge and every failure is a `DklsError`.
 *
 * @module
 */
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { hexBytes } from '../encoding.js';
import type { GroupElement } from '../group/group.js';
import { secp256k1Group } from '../group/secp256k1.js';
import { DklsError } from './errors.js';
import { parseInput, SidHexSchema, SidSchema } from './input.js';
import { deriveKey, hashToPoint } from './hashes.js';
import { Fn } from './field.js';

/** κ: the base OTs one ordered pair runs (DKLs23 §8.2). */
export const BASE_OT_COUNT = 128;
/** Upper bound on a batch, so a message length is bounded before anything is decoded. */
export const MAX_BASE_OT_COUNT = 4096;
/** SEC1 compressed point. */
export const POINT_BYTES = 33;
/** Bytes per OT in either message: two points. */
export const BYTES_PER_OT = 2 * POINT_BYTES;

export type ChoiceBit = 0 | 1;

/** What the receiver keeps between its two steps; secret (the `a` scalars reveal the keys). */
export interface OtReceiverState {
  /** Session id, hex. */
  sid: string;
  choices: ChoiceBit[];
  /** a per OT, 32-byte big-endian hex. */
  secrets: string[];
}

const CountSchema = z.number().int().min(1).max(MAX_BASE_OT_COUNT);
const ChoicesSchema = z
  .array(z.union([z.literal(0), z.literal(1)]))
  .min(1)
  .max(MAX_BASE_OT_COUNT);
const StateSchema = z
  .object({
    sid: SidHexSchema,
    choices: ChoicesSchema,
    secrets: z.array(hexBytes(32)),
  })
  .strict()
  .refine((s) => s.secrets.length === s.choices.length, 'one secret per choice bit');

/** The two points of every OT in `message`, each strictly decoded; throws on the first bad one. */
function decodePairs(
  message: unknown,
  count: number,
  from: string,
): [GroupElement, GroupElement][] {
  if (!(message instanceof Uint8Array)) {
    throw new DklsError('INVALID_OT_MESSAGE', `the ${from} message must be bytes`);
  }
  if (message.length !== count * BYTES_PER_OT) {
    throw new DklsError(
      'INVALID_OT_MESSAGE',
      `the ${from} message must be ${count * BYTES_PER_OT} bytes for ${count} OTs, got ${message.length}`,
    );
  }
  const point = (i: number, slot: ChoiceBit): GroupElement => {
    const start = i * BYTES_PER_OT + slot * POINT_BYTES;
    try {
      return secp256k1Group.fromBytes(message.subarray(start, start + POINT_BYTES));
    } catch (cause) {
      throw new DklsError(
        'INVALID_OT_MESSAGE',
        `the ${from} message has an invalid point at OT ${i}, slot ${slot}`,
        [],
        { cause },
      );
    }
  };
  return Array.from({ length: count }, (_, i) => [point(i, 0), point(i, 1)]);
}

/** Receiver, first step: one (r_0, r_1) per choice bit, and the state to finish with. */
export function otReceiverRound1(
  sid: Uint8Array,
  choices: readonly ChoiceBit[],
): { state: OtReceiverState; message: Uint8Array } {
  const sessionId = parseInput(SidSchema, sid, 'sid');
  const bits = parseInput(ChoicesSchema, choices, 'choices');
  const G = secp256k1Group.BASE;
  const secrets: string[] = [];
  const slots: Uint8Array[] = [];
  bits.forEach((c, i) => {
    // The unchosen slot is a uniform group element encoded like any point ("Devious Transfer").
    const unchosen = G.multiply(Fn.random()).toBytes();
    const h = hashToPoint(sessionId, i, c, unchosen);
    let a: bigint;
    let chosen: GroupElement;
    do {
      a = Fn.random();
      chosen = G.multiply(a).subtract(h);
    } while (chosen.is0()); // a·G = H: probability 1/order
    secrets.push(bytesToHex(Fn.toBytes(a)));
    const r = c === 0 ? [chosen.toBytes(), unchosen] : [unchosen, chosen.toBytes()];
    slots.push(...r);
  });
  return {
    state: { sid: bytesToHex(sessionId), choices: [...bits], secrets },
    message: concatBytes(...slots),
  };
}

/** Sender: both keys of every OT, and (B_0, B_1) per OT for the receiver. */
export function otSenderRespond(
  sid: Uint8Array,
  message: Uint8Array,
  count: number = BASE_OT_COUNT,
): { keys0: Uint8Array[]; keys1: Uint8Array[]; message: Uint8Array } {
  const sessionId = parseInput(SidSchema, sid, 'sid');
  const n = parseInput(CountSchema, count, 'count');
  const pairs = decodePairs(message, n, 'receiver');
  const keys: [Uint8Array[], Uint8Array[]] = [[], []];
  const out: Uint8Array[] = [];
  pairs.forEach((r, i) => {
    for (const j of [0, 1] as const) {
      const other = r[1 - j]!.toBytes();
      const m = r[j].add(hashToPoint(sessionId, i, j, other));
      if (m.is0()) {
        throw new DklsError(
          'INVALID_OT_MESSAGE',
          `the receiver message gives M = O at OT ${i}, slot ${j}`,
        );
      }
      const b = Fn.random();
      out.push(secp256k1Group.BASE.multiply(b).toBytes());
      keys[j].push(deriveKey(sessionId, i, j, m.multiply(b)));
    }
  });
  return { keys0: keys[0], keys1: keys[1], message: concatBytes(...out) };
}

/** A state's `a`: 1 ≤ a < order, as `multiply` requires. */
function secretScalar(hex: string, i: number): bigint {
  let a = 0n;
  try {
    a = Fn.fromBytes(hexToBytes(hex));
  } catch {
    // reported below, with the same words as zero
  }
  if (a === 0n) {
    throw new DklsError('INVALID_OT_INPUT', `state.secrets.${i}: must be a scalar in [1, order)`);
  }
  return a;
}

/** Receiver, second step: key_c of every OT. Both B_j are checked, not only the chosen one. */
export function otReceiverFinish(state: OtReceiverState, message: Uint8Array): Uint8Array[] {
  const s = parseInput(StateSchema, state, 'state');
  const sessionId = hexToBytes(s.sid);
  const pairs = decodePairs(message, s.choices.length, 'sender');
  return pairs.map((B, i) => {
    const c = s.choices[i]!;
    const a = secretScalar(s.secrets[i]!, i);
    return deriveKey(sessionId, i, c, B[c].multiply(a));
  });
}
