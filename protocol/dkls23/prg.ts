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
 * @module
 */
import { chacha20 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { lengthPrefixed, u64 } from './hashes.js';
import { Fn } from './field.js';

export const COLUMN_PRG_TAG = utf8ToBytes('dkls23/ot-extension/prg/v1');
export const ROW_HASH_TAG = utf8ToBytes('dkls23/ot-extension/row-to-scalars/v1');

/** Bytes hashed per scalar: 48, so reducing mod the order leaves a bias below 2^−128. */
const BYTES_PER_SCALAR = 48;
const ZERO_NONCE = new Uint8Array(12);

function stream(key: Uint8Array, length: number): Uint8Array {
  return chacha20(key, ZERO_NONCE, new Uint8Array(length));
}

/** `length` pseudorandom bytes from the base-OT key `seed` of OT `index` in session `sid`. */
export function expandSeed(
  sid: Uint8Array,
  index: number,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  return stream(sha256(lengthPrefixed([COLUMN_PRG_TAG, sid, u64(index), seed])), length);
}

/** `count` scalars mod the order from extended OT `index`'s row (H_q of DKLs18 Protocol 9). */
export function rowToScalars(
  sid: Uint8Array,
  index: number,
  row: Uint8Array,
  count: number,
): bigint[] {
  const bytes = stream(
    sha256(lengthPrefixed([ROW_HASH_TAG, sid, u64(index), row])),
    count * BYTES_PER_SCALAR,
  );
  return Array.from({ length: count }, (_, k) =>
    Fn.reduceBytes(bytes.subarray(k * BYTES_PER_SCALAR, (k + 1) * BYTES_PER_SCALAR)),
  );
}
