// The one registration of FROST ciphersuites: each scheme name maps to its description in
// `suites/` (docs/protocol.md, Ciphersuites, says how to add one). Everything else in the FROST
// layer reaches a suite only through `schemeInfo`.
import { z } from 'zod';
import { FrostError } from './errors.js';
import type { GroupElement, SuiteDescription } from './suite.js';
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
export interface SchemeInfo extends SuiteDescription<Scheme> {
  readonly order: bigint;
  /** Ns: bytes of SerializeScalar. */
  readonly scalarBytes: number;
  /** Bytes of R inside a signature or DKG proof of knowledge. */
  readonly commitmentBytes: number;
  /** Final signature and DKG proof-of-knowledge size: R || z. */
  readonly signatureBytes: number;
  /** Bytes → scalar, refusing a wrong length or a value not below the order. */
  scalarFromBytes(bytes: Uint8Array): bigint;
  scalarToBytes(scalar: bigint): Uint8Array;
  /** RFC 9591 DeserializeElement: exact length, canonical, on the curve, prime order, not identity. */
  elementFromBytes(bytes: Uint8Array): GroupElement;
  /** R of a signature or proof (Taproot: x-only with even Y). */
  commitmentFromBytes(bytes: Uint8Array): GroupElement;
}

function derive(suite: (typeof SUITES)[number]): SchemeInfo {
  const Fn = suite.frost.utils.Fn;
  const scalarBytes = Fn.BYTES;
  const commitmentBytes =
    ('commitmentBytes' in suite && suite.commitmentBytes) || suite.elementBytes;
  const elementFromBytes = (bytes: Uint8Array): GroupElement => {
    if (bytes.length !== suite.elementBytes) {
      throw new Error(`expected a ${suite.elementBytes}-byte element, got ${bytes.length} bytes`);
    }
    const p = suite.Point.fromBytes(bytes);
    p.assertValidity();
    if (p.is0()) throw new Error('the identity element is not allowed');
    if (!p.isTorsionFree()) throw new Error('element is not in the prime-order subgroup');
    const again = p.toBytes();
    if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) {
      throw new Error('non-canonical element encoding');
    }
    return p;
  };
  const decodeCommitment = 'decodeCommitment' in suite ? suite.decodeCommitment : undefined;
  return {
    ...suite,
    order: Fn.ORDER,
    scalarBytes,
    commitmentBytes,
    signatureBytes: commitmentBytes + scalarBytes,
    scalarFromBytes(bytes) {
      if (bytes.length !== scalarBytes) {
        throw new Error(`expected a ${scalarBytes}-byte scalar, got ${bytes.length} bytes`);
      }
      const ordered = Fn.isLE ? [...bytes].reverse() : [...bytes];
      const value = ordered.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
      if (value >= Fn.ORDER) throw new Error('scalar is not less than the group order');
      return value;
    },
    scalarToBytes: (scalar) => Fn.toBytes(scalar),
    elementFromBytes,
    commitmentFromBytes: (bytes) => {
      if (bytes.length !== commitmentBytes) {
        throw new Error(`expected a ${commitmentBytes}-byte commitment, got ${bytes.length} bytes`);
      }
      return decodeCommitment ? decodeCommitment(bytes) : elementFromBytes(bytes);
    },
  };
}

const INFO = new Map<string, SchemeInfo>(SUITES.map((s) => [s.scheme, derive(s)]));

export function schemeInfo(scheme: Scheme): SchemeInfo {
  const info = INFO.get(scheme);
  if (!info) throw new FrostError('INVALID_INPUT', `unknown scheme: ${String(scheme)}`);
  return info;
}

/** Largest participant index / n (identifiers are u16 in frost-rs; we keep the same bound). */
export const MAX_PARTICIPANTS = 65535;

/** noble identifier (SerializeScalar(i) as hex, in the suite's byte order) for index i. */
export function identifierOf(scheme: Scheme, index: number): string {
  return schemeInfo(scheme).frost.Identifier.fromNumber(index);
}

/** Inverse of identifierOf for identifiers produced by it. */
export function indexOf(scheme: Scheme, identifier: string): number {
  const bytes = Uint8Array.from(Buffer.from(identifier, 'hex'));
  return Number(schemeInfo(scheme).scalarFromBytes(bytes));
}
