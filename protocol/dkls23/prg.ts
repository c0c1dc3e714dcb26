/**
 * The two expansions of the OT extension (docs/dkls23.md, OT extension): the PRG that stretches
 * a base-OT key into one column, and the hash that turns a 128-bit OT-extension row into
 * scalars mod the secp256k1 order (the correlated-OT pads).
 *
 * Both are ChaCha20 (RFC 8439, zero nonce, counter from 0) under a one-use key that is SHA-256
 * of a versioned tag and every context part, each length-prefixed: the session id, the OT index
 * and the seed or row. So two streams collide only if their (tag, sid, index, input) do; a
 * repeated sid with the same base-OT keys repeats the streams — the caller's sids must be unique.
 *
 * A batch calls these once per OT under one sid, so `seedExpander` and `rowHasher` hash the
 * (tag, sid) prefix once and clone that SHA-256 state per OT; `expandSeed` and `rowToScalars`
 * are the one-call forms. Same bytes either way.
 *
 * @module
 */
import { chacha20 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { lengthPrefixed, writeU64 } from './hashes.js';
import { Fn } from './field.js';

export const COLUMN_PRG_TAG = utf8ToBytes('dkls23/ot-extension/prg/v1');
export const ROW_HASH_TAG = utf8ToBytes('dkls23/ot-extension/row-to-scalars/v1');

/** Bytes hashed per scalar: 48, so reducing mod the order leaves a bias below 2^−128. */
const BYTES_PER_SCALAR = 48;
const ZERO_NONCE = new Uint8Array(12);

/** ChaCha20's plaintext: read only, grown as needed (the stream is ChaCha20 of zeros). */
let zeros = new Uint8Array(0);

/** The ChaCha20 stream under `key`, written into `out` (all of it). */
function stream(key: Uint8Array, out: Uint8Array): Uint8Array {
  if (zeros.length < out.length) zeros = new Uint8Array(out.length);
  // With an output buffer of our own, noble skips an allocation that costs more than the cipher.
  return chacha20(key, ZERO_NONCE, zeros.subarray(0, out.length), out);
}

/** (index, input) ↦ SHA-256 of lengthPrefixed([tag, sid, u64(index), input]). */
function keyDeriver(
  tag: Uint8Array,
  sid: Uint8Array,
): (index: number, input: Uint8Array) => Uint8Array {
  const prefix = sha256.create().update(lengthPrefixed([tag, sid]));
  let tail = new Uint8Array(0);
  let view = new DataView(tail.buffer);
  return (index, input) => {
    // The rest of the encoding: u64(8) ‖ u64(index) ‖ u64(|input|) ‖ input.
    if (tail.length !== 24 + input.length) {
      tail = new Uint8Array(24 + input.length);
      view = new DataView(tail.buffer);
    }
    writeU64(view, 0, 8);
    writeU64(view, 8, index);
    writeU64(view, 16, input.length);
    tail.set(input, 24);
    const key = prefix.clone().update(tail).digest();
    tail.fill(0, 24);
    return key;
  };
}

/** (index, seed, length) ↦ `expandSeed(sid, index, seed, length)`, for many OTs of one sid. */
export function seedExpander(
  sid: Uint8Array,
): (index: number, seed: Uint8Array, length: number) => Uint8Array {
  const derive = keyDeriver(COLUMN_PRG_TAG, sid);
  return (index, seed, length) => stream(derive(index, seed), new Uint8Array(length));
}

/** `length` pseudorandom bytes from the base-OT key `seed` of OT `index` in session `sid`. */
export function expandSeed(
  sid: Uint8Array,
  index: number,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  return seedExpander(sid)(index, seed, length);
}

/** (index, row, count) ↦ `rowToScalars(sid, index, row, count)`, for many rows of one sid. */
export function rowHasher(
  sid: Uint8Array,
): (index: number, row: Uint8Array, count: number) => bigint[] {
  const derive = keyDeriver(ROW_HASH_TAG, sid);
  let bytes = new Uint8Array(0);
  return (index, row, count) => {
    if (bytes.length !== count * BYTES_PER_SCALAR) bytes = new Uint8Array(count * BYTES_PER_SCALAR);
    stream(derive(index, row), bytes);
    const out = new Array<bigint>(count);
    for (let k = 0; k < count; k++) {
      out[k] = Fn.reduceBytes(bytes.subarray(k * BYTES_PER_SCALAR, (k + 1) * BYTES_PER_SCALAR));
    }
    bytes.fill(0); // the pads are secret: leave none in the reused buffer
    return out;
  };
}

/** `count` scalars mod the order from extended OT `index`'s row (H_q of DKLs18 Protocol 9). */
export function rowToScalars(
  sid: Uint8Array,
  index: number,
  row: Uint8Array,
  count: number,
): bigint[] {
  return rowHasher(sid)(index, row, count);
}
