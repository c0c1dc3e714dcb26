/**
 * Hash commitments of DKLs23 (docs/dkls23.md, Commitments): signing commits to each R_i before
 * the values are revealed.
 *
 *   commitment = SHA-256(len‖"dkls23/commitment/v1" ‖ len‖tag ‖ len‖salt ‖ len‖message)
 *
 * with a fresh 32-byte salt (hiding: 256 bits of entropy the other party never sees before the
 * opening) and every `len` a u64 big-endian byte count, so no two (tag, salt, message) share an
 * encoding (binding rests on SHA-256's collision resistance). The tag names what is committed,
 * so a commitment to one thing never opens as another. Opening compares in constant time.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { RandomBytes } from '../group/scalar-field.js';
import { DklsError } from './errors.js';
import { equalBytes, lengthPrefixed } from './hashes.js';
import { randomFrom } from './input.js';

export const COMMITMENT_BYTES = 32;
export const COMMITMENT_SALT_BYTES = 32;
export const COMMITMENT_DOMAIN = utf8ToBytes('dkls23/commitment/v1');

function tagBytes(tag: string): Uint8Array {
  if (typeof tag !== 'string' || tag.length === 0) {
    throw new DklsError('INVALID_OT_INPUT', 'a commitment tag must be a non-empty string');
  }
  return utf8ToBytes(tag);
}

function digest(tag: Uint8Array, salt: Uint8Array, message: Uint8Array): Uint8Array {
  return sha256(lengthPrefixed([COMMITMENT_DOMAIN, tag, salt, message]));
}

/** A commitment to `message` under `tag`, and the salt that opens it (keep it secret until then). */
export function commit(
  tag: string,
  message: Uint8Array,
  rng: RandomBytes = randomBytes,
): { commitment: Uint8Array; salt: Uint8Array } {
  const t = tagBytes(tag);
  if (!(message instanceof Uint8Array)) {
    throw new DklsError('INVALID_OT_INPUT', 'the committed message must be bytes');
  }
  const salt = randomFrom(rng, COMMITMENT_SALT_BYTES);
  return { commitment: digest(t, salt, message), salt: Uint8Array.from(salt) };
}

/**
 * Whether (message, salt) opens `commitment` under `tag`. False on any mismatch, on a commitment
 * or salt that is not exactly 32 bytes and on anything that is not bytes; throws only on a bad
 * tag (the caller's own input).
 */
export function openCommitment(
  tag: string,
  commitment: Uint8Array,
  message: Uint8Array,
  salt: Uint8Array,
): boolean {
  const t = tagBytes(tag);
  if (
    !(commitment instanceof Uint8Array) ||
    !(message instanceof Uint8Array) ||
    !(salt instanceof Uint8Array) ||
    commitment.length !== COMMITMENT_BYTES ||
    salt.length !== COMMITMENT_SALT_BYTES
  ) {
    return false;
  }
  return equalBytes(digest(t, salt, message), commitment);
}
