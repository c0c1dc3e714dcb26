/**
 * The two hashes of the base OT (docs/dkls23.md): H, a hash onto secp256k1 (RFC 9380), and H',
 * the key derivation. Both bind the session id, the OT index and the slot, each part prefixed
 * by its length so no two inputs share an encoding. Also the tagged hash that keygen and
 * signing derive their sids and oracles from.
 *
 * @module
 */
import { secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { GroupElement } from '../group/group.js';
import { secp256k1Group } from '../group/secp256k1.js';

/** RFC 9380 suite `secp256k1_XMD:SHA-256_SSWU_RO_` under our own domain separation tag. */
export const HASH_TO_CURVE_DST = utf8ToBytes(
  'dkls23/base-ot/point/v1/secp256k1_XMD:SHA-256_SSWU_RO_',
);
export const KEY_TAG = utf8ToBytes('dkls23/base-ot/key/v1');

/** Writes `value` as u64 big-endian at `offset` of `view`. */
export function writeU64(view: DataView, offset: number, value: number): void {
  view.setBigUint64(offset, BigInt(value));
}

export function u64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  writeU64(new DataView(out.buffer), 0, value);
  return out;
}

/** Every part as u64-BE length ‖ bytes. */
export function lengthPrefixed(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) {
    if (!(part instanceof Uint8Array)) throw new TypeError('lengthPrefixed: parts must be bytes');
    total += 8 + part.length;
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    writeU64(view, offset, part.length);
    out.set(part, offset + 8);
    offset += 8 + part.length;
  }
  return out;
}

function header(sid: Uint8Array, index: number, slot: 0 | 1): Uint8Array[] {
  return [sid, u64(index), Uint8Array.of(slot)];
}

/** H(sid, index, slot, other): a point of the current backend with unknown discrete log. */
export function hashToPoint(
  sid: Uint8Array,
  index: number,
  slot: 0 | 1,
  other: Uint8Array,
): GroupElement {
  const message = lengthPrefixed([...header(sid, index, slot), other]);
  const point = secp256k1_hasher.hashToCurve(message, { DST: HASH_TO_CURVE_DST });
  return secp256k1Group.fromBytes(point.toBytes(true));
}

/** H'(sid, index, slot, shared): the 32-byte OT key. */
export function deriveKey(
  sid: Uint8Array,
  index: number,
  slot: 0 | 1,
  shared: GroupElement,
): Uint8Array {
  return sha256(lengthPrefixed([KEY_TAG, ...header(sid, index, slot), shared.toBytes()]));
}

/** Equality of two byte strings, without an early exit (for digests and commitments). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let k = 0; k < a.length; k++) difference |= a[k]! ^ (b[k] ?? 0);
  return difference === 0;
}

/** SHA-256 of a versioned tag and parts, length-prefixed: the sids and oracles of keygen and signing. */
export function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  return sha256(lengthPrefixed([utf8ToBytes(tag), ...parts]));
}
