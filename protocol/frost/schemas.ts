// Zod wire schemas for every FROST message. All byte strings are lowercase hex. At the edge a
// message is checked against every suite's sizes (the scheme is a fact of the session, not of the
// request); `suiteSchemas(scheme)` checks it exactly: elements decoded (canonical, on the curve,
// prime order, not identity) and scalars below the order. docs/protocol.md lists the encodings.
import { z } from 'zod';
import { hexString, hexToBytes } from '../encoding.js';
import { describeIssues } from '../validation.js';
import { FrostError } from './errors.js';
import { MAX_PARTICIPANTS, SCHEMES, SchemeSchema, schemeInfo, type Scheme } from './schemes.js';

/** Largest message a signing package may carry (bytes). */
export const MAX_MESSAGE_BYTES = 65536;

const sizes = (of: (scheme: Scheme) => number) =>
  [...new Set(SCHEMES.map(of))].sort((a, b) => a - b);
const ELEMENT_SIZES = sizes((s) => schemeInfo(s).elementBytes);
const SCALAR_SIZES = sizes((s) => schemeInfo(s).scalarBytes);
const SIGNATURE_SIZES = sizes((s) => schemeInfo(s).signatureBytes);

/** Hex of one of `lengths` bytes, lowercased. */
function hexOfSizes(lengths: number[], what: string) {
  const max = Math.max(...lengths);
  return hexString({ min: 1, max }).refine(
    (s) => lengths.includes(s.length / 2),
    `expected ${what} of ${lengths.join(', ').replace(/, (\d+)$/, ' or $1')} bytes as hex`,
  );
}

/** A group element of some registered suite (exact check: `suiteSchemas(scheme).element`). */
export const ElementHexSchema = hexOfSizes(ELEMENT_SIZES, 'a group element');
/** A scalar of some registered suite (exact check: `suiteSchemas(scheme).scalar`). */
export const ScalarHexSchema = hexOfSizes(SCALAR_SIZES, 'a scalar');
export const NonZeroScalarHexSchema = ScalarHexSchema.refine(
  (s) => !/^0+$/.test(s),
  'scalar must not be zero',
);
/** A signature or DKG proof of knowledge R || z of some registered suite. */
export const SignatureHexSchema = hexOfSizes(SIGNATURE_SIZES, 'a signature');

const decodes = (decode: (bytes: Uint8Array) => unknown) => (hex: string) => {
  try {
    decode(hexToBytes(hex));
    return true;
  } catch {
    return false;
  }
};

/** Exact schemas of one suite, built once per scheme. */
function buildSuiteSchemas(scheme: Scheme) {
  const suite = schemeInfo(scheme);
  const element = z
    .string()
    .transform((s) => s.toLowerCase())
    .refine(
      decodes((b) => suite.elementFromBytes(b)),
      `expected a ${suite.elementBytes}-byte ${suite.title} element (canonical, on the curve, ` +
        'in the prime-order group, not the identity)',
    );
  const scalar = z
    .string()
    .transform((s) => s.toLowerCase())
    .refine(
      decodes((b) => suite.scalarFromBytes(b)),
      `expected a ${suite.scalarBytes}-byte ${suite.title} scalar below the group order`,
    );
  const nonZeroScalar = scalar.refine((s) => !/^0+$/.test(s), 'scalar must not be zero');
  const signature = z
    .string()
    .transform((s) => s.toLowerCase())
    .refine(
      (s) => s.length === suite.signatureBytes * 2,
      `expected a ${suite.signatureBytes}-byte signature for ${scheme}`,
    )
    .refine(
      decodes((b) => {
        suite.commitmentFromBytes(b.subarray(0, suite.commitmentBytes));
        suite.scalarFromBytes(b.subarray(suite.commitmentBytes));
      }),
      'signature: R is not a valid element or z is not below the group order',
    );
  const nonceCommitments = z.strictObject({ hiding: element, binding: element });
  // One schema per t: zod compiles an object schema on its first parse, which costs more than
  // the parse itself.
  const round1Packages = new Map<number, ReturnType<typeof round1PackageOf>>();
  const round1PackageOf = (t: number) =>
    z.strictObject({
      commitments: z.array(element).length(t, `expected exactly t=${t} VSS commitments`),
      proofOfKnowledge: signature,
    });
  return {
    element,
    scalar,
    nonZeroScalar,
    signature,
    round1Package(t: number) {
      let schema = round1Packages.get(t);
      if (!schema) round1Packages.set(t, (schema = round1PackageOf(t)));
      return schema;
    },
    confirmation: z.strictObject({ groupPublicKey: element, verifyingShare: element }),
    nonceCommitments,
    nonces: z.strictObject({ hiding: nonZeroScalar, binding: nonZeroScalar }),
    signingPackage: z.strictObject({
      message: hexString({ max: MAX_MESSAGE_BYTES }),
      commitments: indexRecord(nonceCommitments),
    }),
    publicKeyPackage: z.strictObject({
      t: IndexSchema,
      n: IndexSchema,
      groupPublicKey: element,
      verifyingShares: indexRecord(element),
    }),
  };
}
export type SuiteSchemas = ReturnType<typeof buildSuiteSchemas>;

const BUILT = new Map<Scheme, SuiteSchemas>();
export function suiteSchemas(scheme: Scheme): SuiteSchemas {
  let built = BUILT.get(scheme);
  if (!built) BUILT.set(scheme, (built = buildSuiteSchemas(scheme)));
  return built;
}

export function signatureSchema(scheme: Scheme) {
  return suiteSchemas(scheme).signature;
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
  /** VSS commitments φ_0..φ_{t-1} (exactly t elements). */
  commitments: z.array(ElementHexSchema).min(2).max(MAX_PARTICIPANTS),
  proofOfKnowledge: SignatureHexSchema,
});
export type Round1Package = z.output<typeof Round1PackageSchema>;

export function round1PackageSchema(scheme: Scheme, t: number) {
  return suiteSchemas(scheme).round1Package(t);
}

/** Round-2 share plaintext f_i(j), before end-to-end encryption. */
export const Round2ShareSchema = ScalarHexSchema;

export const ConfirmationSchema = z.strictObject({
  groupPublicKey: ElementHexSchema,
  verifyingShare: ElementHexSchema,
});
export type Confirmation = z.output<typeof ConfirmationSchema>;

export const NonceCommitmentsSchema = z.strictObject({
  hiding: ElementHexSchema,
  binding: ElementHexSchema,
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
  groupPublicKey: ElementHexSchema,
  verifyingShares: indexRecord(ElementHexSchema),
});
export type PublicKeyPackage = z.output<typeof PublicKeyPackageSchema>;

/** The fields of a participant's key material after DKG (checked per scheme by KeyShareSchema). */
export const KeyShareFieldsSchema = z.strictObject({
  scheme: SchemeSchema,
  index: IndexSchema,
  t: IndexSchema,
  n: IndexSchema,
  signingShare: NonZeroScalarHexSchema,
  verifyingShare: ElementHexSchema,
  groupPublicKey: ElementHexSchema,
});

/** Adds an issue for every field of a key share that is not of its scheme's suite. */
export function checkKeyShareSuite(
  share: z.output<typeof KeyShareFieldsSchema>,
  ctx: z.RefinementCtx,
): void {
  const exact = suiteSchemas(share.scheme);
  const fields = [
    ['signingShare', exact.nonZeroScalar],
    ['verifyingShare', exact.element],
    ['groupPublicKey', exact.element],
  ] as const;
  for (const [field, schema] of fields) {
    const r = schema.safeParse(share[field]);
    if (!r.success) {
      const message = `${field}: ${describeIssues(r.error, { first: true })}`;
      ctx.addIssue({ code: 'custom', path: [field], message });
    }
  }
}

/** A participant's key material after DKG (what it persists and escrows). */
export const KeyShareSchema = KeyShareFieldsSchema.superRefine(checkKeyShareSuite);
export type KeyShare = z.output<typeof KeyShareFieldsSchema>;

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
