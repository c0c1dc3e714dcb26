// The one registration of FROST ciphersuites: each scheme name maps to its description in
// `suites/` (docs/protocol.md, Ciphersuites, says how to add one). Everything else in the FROST
// layer reaches a suite only through `schemeInfo`.
import { z } from 'zod';
import { bytesToHex } from '../encoding.js';
import { FrostError } from './errors.js';
import { ciphersuite, type Ciphersuite } from './engine/ciphersuite.js';
import { frostEd25519 } from './suites/ed25519.js';
import { frostEd448 } from './suites/ed448.js';
import { frostP256 } from './suites/p256.js';
import { frostRistretto255 } from './suites/ristretto255.js';
import { frostSecp256k1Tr } from './suites/secp256k1-tr.js';
import { frostSecp256k1 } from './suites/secp256k1.js';

const SUITES = [
  frostSecp256k1,
  frostSecp256k1Tr,
  frostEd25519,
  frostEd448,
  frostP256,
  frostRistretto255,
] as const;

export type Scheme = (typeof SUITES)[number]['scheme'];
export const SCHEMES = SUITES.map((s) => s.scheme) as [Scheme, ...Scheme[]];
export const SchemeSchema = z.enum(SCHEMES);

/** A registered suite with the sizes and codecs derived from its description. */
export type SchemeInfo = Ciphersuite<Scheme>;

const INFO = new Map<string, SchemeInfo>(SUITES.map((s) => [s.scheme, ciphersuite(s)]));

export function schemeInfo(scheme: Scheme): SchemeInfo {
  const info = INFO.get(scheme);
  if (!info) throw new FrostError('INVALID_INPUT', `unknown scheme: ${String(scheme)}`);
  return info;
}

/** Largest participant index / n (identifiers are u16 in frost-rs; we keep the same bound). */
export const MAX_PARTICIPANTS = 65535;

/** The FROST identifier of index i: SerializeScalar(i) as hex, in the suite's byte order. */
export function identifierOf(scheme: Scheme, index: number): string {
  if (!Number.isSafeInteger(index) || index < 1) {
    throw new FrostError(
      'INVALID_INPUT',
      `participant index must be a positive integer, got ${index}`,
    );
  }
  return bytesToHex(schemeInfo(scheme).scalarToBytes(BigInt(index)));
}

/** Inverse of identifierOf for identifiers produced by it. */
export function indexOf(scheme: Scheme, identifier: string): number {
  const bytes = Uint8Array.from(Buffer.from(identifier, 'hex'));
  return Number(schemeInfo(scheme).scalarFromBytes(bytes));
}
