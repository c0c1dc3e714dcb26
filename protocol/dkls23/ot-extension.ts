/**
 * OT extension for DKLs23 (docs/dkls23.md, OT extension): κ = 128 base OTs become any number
 * of correlated OTs by the KOS15 construction with its corrected consistency check (the check
 * on untransposed column blocks, as in SoftSpokenOT with k = 1), Fiat–Shamir challenges, and
 * the DKLs18 Protocol 9 transfer that turns each extended OT into a correlated OT over Z_q.
 *
 * Roles: the extension *receiver* (VOLE Bob) was the base-OT sender and holds both keys of every
 * base OT; the extension *sender* (VOLE Alice) was the base-OT receiver, with choice bits Δ.
 *
 *   columns: t^i = G(k0_i), u^i = t^i ⊕ G(k1_i) ⊕ x; Alice q^i = G(k_{Δ_i}) ⊕ Δ_i·u^i = t^i ⊕ Δ_i·x
 *   check:   x, t^i, q^i cut in 128-bit blocks (the last one random, a mask); χ_b = H(sid, b, u);
 *            x̃ = Σ χ_b·x_b + x_mask, t̃_i = Σ χ_b·t^i_b + t^i_mask; Alice wants q̃_i = t̃_i + Δ_i·x̃
 *   rows:    q_j = t_j ⊕ x_j·Δ (row j of the 128 columns) for the first `count` rows
 *   transfer: v0_j = H_q(q_j), v1_j = H_q(q_j ⊕ Δ); τ_j = v1_j − v0_j + α_j; Alice keeps v0_j,
 *            Bob outputs x_j·τ_j − H_q(t_j), so the two outputs sum to x_j·α_j.
 *
 * Pure functions over bytes; every input from the other party is length-checked first and every
 * failure is a `DklsError`. Each side mixes a fresh 32-byte nonce of its own into what it
 * derives (Bob's columns and challenges, Alice's pads) and sends it at the end of its message:
 * a repeated sid or a replayed state never repeats a pad, whatever the other party does (a
 * repeated pad with another choice bit hands over the inputs: docs/dkls23.md, OT extension).
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { RandomBytes } from '../group/scalar-field.js';
import { SECP256K1_ORDER } from '../group/secp256k1-group.js';
import { BASE_OT_COUNT, type ChoiceBit } from './base-ot.js';
import { DklsError } from './errors.js';
import { parseInput, randomFrom, SidSchema } from './input.js';
import { GF128_BYTES, gf128Add, gf128Mul } from './gf2k.js';
import { lengthPrefixed, taggedHash, u64 } from './hashes.js';
import { rowHasher, seedExpander } from './prg.js';
import { Fn } from './field.js';

/** κ: columns of the extension, one per base OT. */
export const OTE_COLUMNS = BASE_OT_COUNT;
/** Upper bound on the extended OTs of one batch. */
export const MAX_EXTENDED_OTS = 4096;
/** Bytes of a base-OT key. */
export const SEED_BYTES = 32;
/** Bytes of Δ (one bit per column). */
export const DELTA_BYTES = OTE_COLUMNS / 8;
/** Bytes of one scalar in the transfer message. */
export const SCALAR_BYTES = 32;
export const CHALLENGE_TAG = utf8ToBytes('dkls23/ot-extension/chi/v1');
/** Bytes of the fresh nonce each side appends to its message. */
export const NONCE_BYTES = 32;

/** The sid a side derives everything from: the caller's sid and a fresh nonce of one side. */
export function freshSid(sid: Uint8Array, nonce: Uint8Array): Uint8Array {
  return taggedHash('dkls23/ot-extension/fresh-sid/v1', sid, nonce);
}

/** 128-bit blocks of one column: the payload rows rounded up, plus one random mask block. */
function blocksPerColumn(count: number): number {
  return Math.ceil(count / 128) + 1;
}

/** Bytes of a column for `count` extended OTs. */
export function columnBytes(count: number): number {
  return blocksPerColumn(count) * GF128_BYTES;
}

/** Bytes of the receiver's message: u (κ columns) ‖ x̃ (16) ‖ t̃ (κ × 16) ‖ Bob's nonce (32). */
export function extensionMessageBytes(count: number): number {
  return OTE_COLUMNS * columnBytes(count) + GF128_BYTES + OTE_COLUMNS * GF128_BYTES + NONCE_BYTES;
}

/** Bytes of the transfer message for `count` OTs of `width` scalars: τ ‖ Alice's nonce (32). */
export function transferMessageBytes(count: number, width: number): number {
  return count * width * SCALAR_BYTES + NONCE_BYTES;
}

function inputError(message: string): DklsError {
  return new DklsError('INVALID_OT_INPUT', message);
}

function checkSid(sid: unknown): asserts sid is Uint8Array {
  parseInput(SidSchema, sid, 'sid');
}

function checkCount(count: unknown): asserts count is number {
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > MAX_EXTENDED_OTS) {
    throw inputError(`count must be an integer in [1, ${MAX_EXTENDED_OTS}]`);
  }
}

function checkSeeds(seeds: unknown, name: string): asserts seeds is Uint8Array[] {
  if (
    !Array.isArray(seeds) ||
    seeds.length !== OTE_COLUMNS ||
    !seeds.every((s) => s instanceof Uint8Array && s.length === SEED_BYTES)
  ) {
    throw inputError(`${name} must be ${OTE_COLUMNS} keys of ${SEED_BYTES} bytes`);
  }
}

function checkRows(rows: unknown, count: number, name: string): asserts rows is Uint8Array[] {
  if (
    !Array.isArray(rows) ||
    rows.length !== count ||
    !rows.every((r) => r instanceof Uint8Array && r.length === GF128_BYTES)
  ) {
    throw inputError(`${name} must be ${count} rows of ${GF128_BYTES} bytes`);
  }
}

function checkDelta(delta: unknown): asserts delta is Uint8Array {
  if (!(delta instanceof Uint8Array) || delta.length !== DELTA_BYTES) {
    throw inputError(`delta must be ${DELTA_BYTES} bytes`);
  }
}

function checkChoices(choices: unknown, count: number): asserts choices is ChoiceBit[] {
  if (
    !Array.isArray(choices) ||
    choices.length !== count ||
    !choices.every((c) => c === 0 || c === 1)
  ) {
    throw inputError(`choices must be ${count} bits (0 or 1)`);
  }
}

function messageOf(message: unknown, length: number, what: string): Uint8Array {
  if (!(message instanceof Uint8Array)) {
    throw new DklsError('INVALID_PROTOCOL_MESSAGE', `the ${what} must be bytes`);
  }
  if (message.length !== length) {
    throw new DklsError(
      'INVALID_PROTOCOL_MESSAGE',
      `the ${what} must be ${length} bytes, got ${message.length}`,
    );
  }
  return message;
}

/** Bit `index` of a little-endian bit string. */
function bitAt(bytes: Uint8Array, index: number): number {
  return (bytes[index >>> 3]! >>> (index & 7)) & 1;
}

/** χ_b for the payload blocks, from the sid, the batch size and the receiver's u columns. */
function challenges(sid: Uint8Array, count: number, u: Uint8Array): Uint8Array[] {
  return Array.from({ length: blocksPerColumn(count) - 1 }, (_, b) =>
    sha256(lengthPrefixed([CHALLENGE_TAG, sid, u64(count), u64(b), u])).subarray(0, GF128_BYTES),
  );
}

/** Σ χ_b·column_b + column_mask over GF(2^128). */
function fold(column: Uint8Array, chi: readonly Uint8Array[]): Uint8Array {
  let acc = column.subarray(chi.length * GF128_BYTES, (chi.length + 1) * GF128_BYTES);
  chi.forEach((c, b) => {
    acc = gf128Add(acc, gf128Mul(c, column.subarray(b * GF128_BYTES, (b + 1) * GF128_BYTES)));
  });
  return acc;
}

/** Rows 0..count−1 of the κ columns: row j has bit i = bit j of column i. */
function rowsOf(columns: readonly Uint8Array[], count: number): Uint8Array[] {
  const rows = Array.from({ length: count }, () => new Uint8Array(GF128_BYTES));
  columns.forEach((column, i) => {
    const byte = i >>> 3;
    const shift = i & 7;
    for (let j = 0; j < count; j++) rows[j]![byte]! |= bitAt(column, j) << shift;
  });
  return rows;
}

/**
 * Receiver (VOLE Bob): extend with one choice bit per OT. Returns the message for the sender
 * and the rows t_j (secret) that `correlatedOtReceive` needs.
 */
export function oteReceiverExtend(
  sid: Uint8Array,
  seeds0: readonly Uint8Array[],
  seeds1: readonly Uint8Array[],
  choices: readonly ChoiceBit[],
  rng: RandomBytes = randomBytes,
): { message: Uint8Array; rows: Uint8Array[] } {
  checkSid(sid);
  checkSeeds(seeds0, 'seeds0');
  checkSeeds(seeds1, 'seeds1');
  checkCount(Array.isArray(choices) ? choices.length : 0);
  checkChoices(choices, choices.length);
  const count = choices.length;
  const length = columnBytes(count);
  const nonce = randomFrom(rng, NONCE_BYTES);
  const fresh = freshSid(sid, nonce);
  // x: the choice bits, then random bits to the end (the last block is the check's mask).
  const x = Uint8Array.from(randomFrom(rng, length));
  for (let j = 0; j < count; j++) {
    const mask = 1 << (j & 7);
    x[j >>> 3] = (x[j >>> 3]! & ~mask) | (-choices[j]! & mask);
  }
  const expand = seedExpander(fresh);
  const t = seeds0.map((seed, i) => expand(i, seed, length));
  const u = seeds1.map((seed, i) => {
    const column = expand(i, seed, length);
    for (let k = 0; k < length; k++) column[k] = column[k]! ^ t[i]![k]! ^ x[k]!;
    return column;
  });
  const uBytes = concatBytes(...u);
  const chi = challenges(fresh, count, uBytes);
  const xTilde = fold(x, chi);
  const tTilde = t.map((column) => fold(column, chi));
  return { message: concatBytes(uBytes, xTilde, ...tTilde, nonce), rows: rowsOf(t, count) };
}

/**
 * Sender (VOLE Alice): check the receiver's message against Δ and the chosen base-OT keys, and
 * return the rows q_j. Throws OT_EXTENSION_CHECK_FAILED if the receiver was inconsistent.
 */
export function oteSenderExtend(
  sid: Uint8Array,
  seeds: readonly Uint8Array[],
  delta: Uint8Array,
  count: number,
  message: Uint8Array,
): Uint8Array[] {
  checkSid(sid);
  checkSeeds(seeds, 'seeds');
  checkDelta(delta);
  checkCount(count);
  const bytes = messageOf(message, extensionMessageBytes(count), 'OT-extension message');
  const length = columnBytes(count);
  const uBytes = bytes.subarray(0, OTE_COLUMNS * length);
  const xTilde = bytes.subarray(OTE_COLUMNS * length, OTE_COLUMNS * length + GF128_BYTES);
  const tTildes = bytes.subarray(OTE_COLUMNS * length + GF128_BYTES, bytes.length - NONCE_BYTES);
  const fresh = freshSid(sid, bytes.subarray(bytes.length - NONCE_BYTES));
  const chi = challenges(fresh, count, uBytes);
  const expand = seedExpander(fresh);
  let mismatch = 0;
  const q = seeds.map((seed, i) => {
    const mask = -bitAt(delta, i) & 0xff;
    const column = expand(i, seed, length);
    const u = uBytes.subarray(i * length, (i + 1) * length);
    for (let k = 0; k < length; k++) column[k] = column[k]! ^ (u[k]! & mask);
    const qTilde = fold(column, chi);
    const tTilde = tTildes.subarray(i * GF128_BYTES, (i + 1) * GF128_BYTES);
    for (let k = 0; k < GF128_BYTES; k++) {
      mismatch |= qTilde[k]! ^ tTilde[k]! ^ (xTilde[k]! & mask);
    }
    return column;
  });
  if (mismatch !== 0) {
    throw new DklsError(
      'OT_EXTENSION_CHECK_FAILED',
      'the OT-extension receiver message fails the consistency check',
    );
  }
  return rowsOf(q, count);
}

/**
 * Sender: correlated OT over Z_q with the vector α_j (all of one width) for OT j. Returns the
 * sender's outputs z^A_j = v0_j (secret) and the message τ (count × width scalars, 32 bytes BE).
 */
export function correlatedOtSend(
  sid: Uint8Array,
  rows: readonly Uint8Array[],
  delta: Uint8Array,
  alphas: readonly (readonly bigint[])[],
  rng: RandomBytes = randomBytes,
): { outputs: bigint[][]; message: Uint8Array } {
  checkSid(sid);
  checkDelta(delta);
  checkCount(Array.isArray(alphas) ? alphas.length : 0);
  checkRows(rows, alphas.length, 'rows');
  const width = alphas[0]!.length;
  const fine = (a: unknown) => typeof a === 'bigint' && a >= 0n && a < SECP256K1_ORDER;
  if (width < 1 || !alphas.every((a) => a.length === width && a.every(fine))) {
    throw inputError('alphas must be vectors of one width ≥ 1 of scalars in [0, order)');
  }
  const nonce = randomFrom(rng, NONCE_BYTES);
  const fresh = freshSid(sid, nonce);
  const hash = rowHasher(fresh);
  const outputs: bigint[][] = [];
  const message = new Uint8Array(transferMessageBytes(rows.length, width));
  let offset = 0;
  rows.forEach((row, j) => {
    const v0 = hash(j, row, width);
    const v1 = hash(j, gf128Add(row, delta), width);
    outputs.push(v0);
    for (let k = 0; k < width; k++) {
      message.set(Fn.toBytes(Fn.create(v1[k]! - v0[k]! + alphas[j]![k]!)), offset);
      offset += SCALAR_BYTES;
    }
  });
  message.set(nonce, offset);
  return { outputs, message };
}

/** Receiver: its outputs z^B_j = x_j·τ_j − H_q(t_j), so z^A_j + z^B_j = x_j·α_j. */
export function correlatedOtReceive(
  sid: Uint8Array,
  rows: readonly Uint8Array[],
  choices: readonly ChoiceBit[],
  width: number,
  message: Uint8Array,
): bigint[][] {
  checkSid(sid);
  checkCount(Array.isArray(choices) ? choices.length : 0);
  checkChoices(choices, choices.length);
  checkRows(rows, choices.length, 'rows');
  if (!Number.isInteger(width) || width < 1 || width > 64) {
    throw inputError('width must be an integer in [1, 64]');
  }
  const bytes = messageOf(message, transferMessageBytes(choices.length, width), 'transfer message');
  const tau = decodeScalars(bytes.subarray(0, bytes.length - NONCE_BYTES));
  const hash = rowHasher(freshSid(sid, bytes.subarray(bytes.length - NONCE_BYTES)));
  return rows.map((row, j) => {
    const bit = BigInt(choices[j]!);
    return hash(j, row, width).map((v, k) => Fn.create(bit * tau[j * width + k]! - v));
  });
}

/** Strictly decoded 32-byte big-endian scalars, each below the order. */
export function decodeScalars(bytes: Uint8Array): bigint[] {
  const out: bigint[] = [];
  for (let o = 0; o < bytes.length; o += SCALAR_BYTES) {
    try {
      out.push(Fn.fromBytes(bytes.subarray(o, o + SCALAR_BYTES)));
    } catch (cause) {
      throw new DklsError(
        'INVALID_PROTOCOL_MESSAGE',
        `scalar ${o / SCALAR_BYTES} is not below the group order`,
        [],
        { cause },
      );
    }
  }
  return out;
}
