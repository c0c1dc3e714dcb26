// Zod wire schemas for every FROST message. All byte strings are lowercase hex with exact lengths;
// points are validated (on curve, not identity) and scalars are checked < n at the edge.
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { z } from 'zod';
import { hexBytes, hexString, hexToBytes } from '../encoding.js';
import { describeIssues } from '../validation.js';
import { FrostError } from './errors.js';
import { MAX_PARTICIPANTS, SchemeSchema, schemeInfo, type Scheme } from './schemes.js';

const { Point } = secp256k1;
const ORDER = Point.Fn.ORDER;

/** Largest message a signing package may carry (bytes). */
export const MAX_MESSAGE_BYTES = 65536;

function isPoint33(hex: string): boolean {
  try {
    const p = Point.fromBytes(hexToBytes(hex));
    p.assertValidity();
    return !p.is0();
  } catch {
    return false;
  }
}

const isScalar = (hex: string): boolean => BigInt('0x' + hex) < ORDER;

function isSchnorrSignature(hex: string): boolean {
  const rLen = hex.length / 2 - 32;
  if (!isScalar(hex.slice(rLen * 2))) return false;
  if (rLen === 33) return isPoint33(hex.slice(0, 66));
  try {
    schnorr.utils.lift_x(BigInt('0x' + hex.slice(0, 64)));
    return true;
  } catch {
    return false;
  }
}

/** 33-byte SEC1 compressed point, on the curve, not identity. */
export const PointHexSchema = hexBytes(33).refine(
  isPoint33,
  'expected a compressed secp256k1 point (on the curve, not identity)',
);
/** 32-byte big-endian scalar < n (zero allowed: it is a valid share value). */
export const ScalarHexSchema = hexBytes(32).refine(
  isScalar,
  'scalar must be less than the group order n',
);
/** 32-byte big-endian scalar in [1, n-1]. */
export const NonZeroScalarHexSchema = ScalarHexSchema.refine(
  (s) => !/^0+$/.test(s),
  'scalar must not be zero',
);
/**
 * Schnorr-style signature (also the DKG proof of knowledge): 65 bytes R(33, compressed)||z(32)
 * for frost-secp256k1, or 64 bytes x(R)(32)||z(32) for frost-secp256k1-tr.
 */
export const SchnorrSignatureHexSchema = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{128}|[0-9a-fA-F]{130})$/, 'expected 64 or 65 bytes of hex')
  .transform((s) => s.toLowerCase())
  .refine(isSchnorrSignature, 'signature: R is not a valid point or z is not less than n');

export function signatureSchema(scheme: Scheme) {
  const bytes = schemeInfo(scheme).signatureBytes;
  return SchnorrSignatureHexSchema.refine(
    (s) => s.length === bytes * 2,
    `expected a ${bytes}-byte signature for ${scheme}`,
  );
}

export const IndexSchema = z.number().int().min(1).max(MAX_PARTICIPANTS);
/** Participant index as a JSON object key: decimal, no leading zero. */
export const IndexKeySchema = z
  .string()
  .regex(/^[1-9][0-9]{0,4}$/, 'expected a participant index key 1..65535')
  .refine((k) => Number(k) <= MAX_PARTICIPANTS, 'participant index out of range');
export function indexRecord<T extends z.ZodType>(value: T) {
  return z.record(IndexKeySchema, value);
}
/** Map keyed by participant index (JSON keys are decimal strings). */
export type IndexMap<V> = Record<number, V>;

export const Round1PackageSchema = z.strictObject({
  /** VSS commitments φ_0..φ_{t-1} (exactly t points). */
  commitments: z.array(PointHexSchema).min(2).max(MAX_PARTICIPANTS),
  proofOfKnowledge: SchnorrSignatureHexSchema,
});
export type Round1Package = z.output<typeof Round1PackageSchema>;

export function round1PackageSchema(scheme: Scheme, t: number) {
  return z.strictObject({
    commitments: z.array(PointHexSchema).length(t, `expected exactly t=${t} VSS commitments`),
    proofOfKnowledge: signatureSchema(scheme),
  });
}

/** Round-2 share plaintext f_i(j), before end-to-end encryption. */
export const Round2ShareSchema = ScalarHexSchema;

export const ConfirmationSchema = z.strictObject({
  groupPublicKey: PointHexSchema,
  verifyingShare: PointHexSchema,
});
export type Confirmation = z.output<typeof ConfirmationSchema>;

export const NonceCommitmentsSchema = z.strictObject({
  hiding: PointHexSchema,
  binding: PointHexSchema,
});
export type NonceCommitments = z.output<typeof NonceCommitmentsSchema>;

/** Secret nonces (participant-local, single use). */
export const NoncesSchema = z.strictObject({
  hiding: NonZeroScalarHexSchema,
  binding: NonZeroScalarHexSchema,
});
export type Nonces = z.output<typeof NoncesSchema>;

export const SignatureShareSchema = ScalarHexSchema;

export const SigningPackageSchema = z.strictObject({
  message: hexString({ max: MAX_MESSAGE_BYTES }),
  commitments: indexRecord(NonceCommitmentsSchema),
});
export type SigningPackage = z.output<typeof SigningPackageSchema>;

/** What the coordinator (and every participant) knows publicly about a key. */
export const PublicKeyPackageSchema = z.strictObject({
  t: IndexSchema,
  n: IndexSchema,
  groupPublicKey: PointHexSchema,
  verifyingShares: indexRecord(PointHexSchema),
});
export type PublicKeyPackage = z.output<typeof PublicKeyPackageSchema>;

/** A participant's key material after DKG (what it persists and escrows). */
export const KeyShareSchema = z.strictObject({
  scheme: SchemeSchema,
  index: IndexSchema,
  t: IndexSchema,
  n: IndexSchema,
  signingShare: NonZeroScalarHexSchema,
  verifyingShare: PointHexSchema,
  groupPublicKey: PointHexSchema,
});
export type KeyShare = z.output<typeof KeyShareSchema>;

/** Validate with `schema` or throw FrostError('INVALID_INPUT') naming the field and culprit. */
export function parseWire<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
  culprit?: number,
): z.output<T> {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  throw new FrostError(
    'INVALID_INPUT',
    `invalid ${what}: ${describeIssues(res.error, { first: true })}`,
    culprit === undefined ? [] : [culprit],
  );
}

/** Entries of an index-keyed map as [index, value], ascending by index. */
export function indexEntries<V>(map: IndexMap<V>): [number, V][] {
  return Object.entries(map)
    .map(([k, v]): [number, V] => [Number(k), v as V])
    .sort((a, b) => a[0] - b[0]);
}

/** Check the keys of `map` are exactly the indexes `expected`; names who is missing/extra. */
export function expectIndexes(map: object, expected: number[], what: string): void {
  const keys = Object.keys(map);
  const want = new Set(expected.map(String));
  const extra = keys.filter((k) => !want.has(k));
  const got = new Set(keys);
  const missing = expected.filter((i) => !got.has(String(i)));
  if (extra.length || missing.length) {
    const parts = [];
    if (missing.length) parts.push(`missing ${missing.join(', ')}`);
    if (extra.length) parts.push(`unexpected ${extra.join(', ')}`);
    throw new FrostError('INVALID_PARTICIPANTS', `${what}: ${parts.join('; ')}`, missing);
  }
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function validateThreshold(t: number, n: number): void {
  if (!Number.isInteger(t) || !Number.isInteger(n) || t < 2 || t > n || n > MAX_PARTICIPANTS) {
    const need = `need 2 <= t <= n <= ${MAX_PARTICIPANTS}`;
    throw new FrostError('INVALID_INPUT', `invalid threshold: ${need}, got t=${t} n=${n}`);
  }
}
