/**
 * The DKLs23 keygen and signing messages on the wire (docs/dkls23.md, Wire format): each field
 * as lowercase hex of an exact size, parsed by zod into the bytes the round functions take.
 * `toWire` is the inverse. The round functions still check what sizes cannot (points on the
 * curve, scalars below n, the commitment count against t).
 *
 * @module
 */
import { z } from 'zod';
import { concatBytes } from '@noble/hashes/utils.js';
import { bytesToHex, hexBytes, hexToBytes } from '../encoding.js';
import { DklsError } from './errors.js';
import type { KeygenDirect1, KeygenDirect2 } from './keygen.js';
import { invalidMessage } from './received.js';
import type { SignDirect1, SignDirect2 } from './signing.js';
import { BASE_OT_COUNT, BYTES_PER_OT } from './base-ot.js';
import { MAX_PARTIES } from './keygen.js';
import { MUL_ALICE_MESSAGE_BYTES, MUL_BOB_MESSAGE_BYTES } from './multiplication.js';

const bytes = (n: number) => hexBytes(n).transform((hex) => hexToBytes(hex));
/** A multiplication set-up message, either way: one base-OT message of κ OTs. */
const SETUP_BYTES = BASE_OT_COUNT * BYTES_PER_OT;

export const KeygenBroadcast1Schema = z
  .object({ commitments: z.array(bytes(33)).min(2).max(MAX_PARTIES), proof: bytes(65) })
  .strict();
export const KeygenDirect1Schema = z.object({ mulSetup: bytes(SETUP_BYTES) }).strict();
export const KeygenDirect2Schema = z
  .object({ share: bytes(32), zeroSeed: bytes(32), mulSetup: bytes(SETUP_BYTES) })
  .strict();

export const SignBroadcast1Schema = z.object({ commitment: bytes(32) }).strict();
export const SignDirect1Schema = z.object({ mul: bytes(MUL_BOB_MESSAGE_BYTES) }).strict();
export const SignBroadcast2Schema = z
  .object({ R: bytes(33), salt: bytes(32), pk: bytes(33) })
  .strict();
export const SignDirect2Schema = z
  .object({
    mul: bytes(MUL_ALICE_MESSAGE_BYTES),
    gammaU: bytes(33),
    gammaV: bytes(33),
    psi: bytes(32),
  })
  .strict();
export const SignBroadcast3Schema = z.object({ u: bytes(32), w: bytes(32) }).strict();

/** The wire form of a message: every bytes field as hex, lists of bytes as lists of hex. */
export type Wire<T> = {
  [K in keyof T]: T[K] extends Uint8Array ? string : T[K] extends Uint8Array[] ? string[] : never;
};

export function toWire<T extends { [K in keyof T]: Uint8Array | Uint8Array[] }>(
  message: T,
): Wire<T> {
  return Object.fromEntries(
    Object.entries<Uint8Array | Uint8Array[]>(message).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.map((b) => bytesToHex(b)) : bytesToHex(v),
    ]),
  ) as Wire<T>;
}

/**
 * How a point-to-point message travels sealed (docs/ecdsa.md, Sealed messages): its fields'
 * bytes concatenated in a fixed order. Every field has a fixed size, so nothing else is needed,
 * and the sealed message is half the size of its hex JSON.
 */
export interface PackedCodec<T> {
  bytes: number;
  pack(message: T): Uint8Array;
  /** Throws INVALID_PROTOCOL_MESSAGE (no culprit: the caller knows the sender) on a wrong size. */
  unpack(bytes: Uint8Array): T;
}

function packed<T extends { [K in keyof T]: Uint8Array }>(
  what: string,
  layout: ReadonlyArray<readonly [keyof T & string, number]>,
): PackedCodec<T> {
  const bytes = layout.reduce((sum, [, size]) => sum + size, 0);
  return {
    bytes,
    pack(message) {
      return concatBytes(
        ...layout.map(([field, size]) => {
          const value = message[field];
          if (!(value instanceof Uint8Array) || value.length !== size) {
            throw new DklsError('INVALID_OT_INPUT', `${what}: ${field} must be ${size} bytes`);
          }
          return value;
        }),
      );
    },
    unpack(input) {
      if (input.length !== bytes) {
        throw invalidMessage(`${what} must be ${bytes} bytes, got ${input.length}`, []);
      }
      let at = 0;
      const fields = layout.map(([field, size]) => [field, input.slice(at, (at += size))]);
      return Object.fromEntries(fields) as T;
    },
  };
}

export const KeygenDirect1Codec = packed<KeygenDirect1>('a keygen round-1 message', [
  ['mulSetup', SETUP_BYTES],
]);
export const KeygenDirect2Codec = packed<KeygenDirect2>('a keygen round-2 message', [
  ['share', 32],
  ['zeroSeed', 32],
  ['mulSetup', SETUP_BYTES],
]);
export const SignDirect1Codec = packed<SignDirect1>('a signing round-1 message', [
  ['mul', MUL_BOB_MESSAGE_BYTES],
]);
export const SignDirect2Codec = packed<SignDirect2>('a signing round-2 message', [
  ['mul', MUL_ALICE_MESSAGE_BYTES],
  ['gammaU', 33],
  ['gammaV', 33],
  ['psi', 32],
]);
