/**
 * The DKLs23 keygen and signing messages on the wire (docs/dkls23.md, Wire format): each field
 * as lowercase hex of an exact size, parsed by zod into the bytes the round functions take.
 * `toWire` is the inverse. The round functions still check what sizes cannot (points on the
 * curve, scalars below n, the commitment count against t).
 *
 * @module
 */
import { z } from 'zod';
import { bytesToHex, hexBytes, hexToBytes } from '../encoding.js';
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
