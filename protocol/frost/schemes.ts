// Scheme registry: maps a wire scheme name to noble's RFC 9591 ciphersuite and its sizes.
import type { FROST } from '@noble/curves/abstract/frost.js';
import { schnorr_FROST, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { z } from 'zod';
import { FrostError } from './errors.js';

export const SCHEMES = ['frost-secp256k1', 'frost-secp256k1-tr'] as const;
export type Scheme = (typeof SCHEMES)[number];
export const SchemeSchema = z.enum(SCHEMES);

export interface SchemeInfo {
  readonly scheme: Scheme;
  /** noble ciphersuite (RFC 9591 `secp256k1_FROST` or BIP340 `schnorr_FROST`). */
  readonly suite: FROST;
  /** RFC 9591 contextString; the DKG proof-of-knowledge DST is this + "dkg". */
  readonly contextString: string;
  /** Final signature and DKG proof-of-knowledge size: R(33)||z(32) or x(R)(32)||z(32). */
  readonly signatureBytes: 65 | 64;
  readonly taproot: boolean;
}

const INFO: Record<Scheme, SchemeInfo> = {
  'frost-secp256k1': {
    scheme: 'frost-secp256k1',
    suite: secp256k1_FROST,
    contextString: 'FROST-secp256k1-SHA256-v1',
    signatureBytes: 65,
    taproot: false,
  },
  'frost-secp256k1-tr': {
    scheme: 'frost-secp256k1-tr',
    suite: schnorr_FROST,
    contextString: 'FROST-secp256k1-SHA256-TR-v1',
    signatureBytes: 64,
    taproot: true,
  },
};

export function schemeInfo(scheme: Scheme): SchemeInfo {
  const info = INFO[scheme];
  if (!info) throw new FrostError('INVALID_INPUT', `unknown scheme: ${String(scheme)}`);
  return info;
}

/** Largest participant index / n (identifiers are u16 in frost-rs; we keep the same bound). */
export const MAX_PARTICIPANTS = 65535;

/** noble identifier (32-byte big-endian scalar hex) for participant index i. */
export function identifierOf(index: number): string {
  return secp256k1_FROST.Identifier.fromNumber(index);
}

/** Inverse of identifierOf for identifiers produced by it. */
export function indexOf(identifier: string): number {
  return Number(BigInt('0x' + identifier));
}
