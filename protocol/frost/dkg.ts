// Participant side of the DKG (frost-rs style, 3 rounds) on our RFC 9591 engine (engine/dkg.ts).
// Between rounds the secret state is plain JSON so an agent can persist it and resume.
import { z } from 'zod';
import { bytesToHex, hexToBytes } from '../encoding.js';
import { FrostError } from './errors.js';
import {
  IndexSchema,
  KeyShareSchema,
  NonZeroScalarHexSchema,
  Round1PackageSchema,
  expectIndexes,
  indexEntries,
  indexRecord,
  parseWire,
  range,
  round1PackageSchema,
  suiteSchemas,
  validateThreshold,
  type IndexMap,
  type KeyShare,
  type Round1Package,
} from './schemas.js';
import { invalidShares, type ShareClaim } from './engine/batch.js';
import { keyFromCommitments, proveKnowledge, secretPolynomial, tweakKey } from './engine/dkg.js';
import { evaluatePolynomial } from './engine/polynomial.js';
import { SchemeSchema, schemeInfo, type Scheme } from './schemes.js';
import { assertProofsOfKnowledge, elementFromHex } from './vss.js';

/**
 * Persistable DKG secret state. `coefficients` are the secret polynomial a_0..a_{t-1} (SECRET:
 * store encrypted, delete after round 3). `round1` is the authenticated transcript of the other
 * participants' round-1 packages, fixed by round 2 and required to be identical in round 3.
 */
export const DkgSecretStateSchema = z
  .strictObject({
    v: z.literal(1),
    scheme: SchemeSchema,
    index: IndexSchema,
    t: IndexSchema,
    n: IndexSchema,
    step: z.union([z.literal(1), z.literal(2)]),
    coefficients: z.array(NonZeroScalarHexSchema),
    package: Round1PackageSchema,
    round1: indexRecord(Round1PackageSchema).optional(),
  })
  .refine((s) => s.coefficients.length === s.t && s.package.commitments.length === s.t, {
    message: 'coefficients and commitments must have exactly t entries',
  })
  .refine((s) => s.t <= s.n && s.index <= s.n, { message: 'index and t must be <= n' })
  .refine((s) => (s.step === 2) === (s.round1 !== undefined), {
    message: 'round1 transcript is present exactly at step 2',
  })
  .superRefine((s, ctx) => {
    const exact = suiteSchemas(s.scheme);
    const checks: [string, z.ZodType, unknown][] = [
      ...s.coefficients.map((c, k): [string, z.ZodType, unknown] => [
        `coefficients.${k}`,
        exact.nonZeroScalar,
        c,
      ]),
      ['package', exact.round1Package(s.t), s.package],
    ];
    for (const [path, schema, value] of checks) {
      if (!schema.safeParse(value).success) {
        ctx.addIssue({ code: 'custom', path: [path], message: `${path} is not of ${s.scheme}` });
      }
    }
  });
export type DkgSecretState = z.output<typeof DkgSecretStateSchema>;

/** Participant's DKG result: its key share plus every participant's verifying share. */
export type DkgOutput = KeyShare & { verifyingShares: IndexMap<string> };

/**
 * Validate the broadcast round-1 packages (all n, or the n-1 others) against the state: shapes,
 * exactly t commitments, our own package unchanged, and every other proof of knowledge (one
 * batch) unless they are the transcript round 2 already checked. Returns the others' packages,
 * ascending by index.
 */
function othersRound1(s: DkgSecretState, all: IndexMap<unknown>): [number, Round1Package][] {
  const others = range(1, s.n).filter((i) => i !== s.index);
  const ownGiven = Object.hasOwn(all, String(s.index));
  expectIndexes(all, ownGiven ? range(1, s.n) : others, 'round-1 packages');
  const schema = round1PackageSchema(s.scheme, s.t);
  const parsed = others.map((i): [number, Round1Package] => [
    i,
    parseWire(schema, (all as Record<string, unknown>)[String(i)], `round-1 package of ${i}`, i),
  ]);
  if (ownGiven) {
    const ownPkg = (all as Record<string, unknown>)[String(s.index)];
    const own = parseWire(schema, ownPkg, 'own round-1 package');
    if (JSON.stringify(own) !== JSON.stringify(s.package)) {
      const msg = `round-1 package relayed for ${s.index} (us) differs from ours`;
      throw new FrostError('INVALID_INPUT', msg);
    }
  }
  // Round 3 with the transcript round 2 checked and fixed: its proofs are known to be valid.
  if (s.round1 && sameTranscript(s.round1, parsed)) return parsed;
  assertProofsOfKnowledge(s.scheme, parsed);
  return parsed;
}

const transcriptChanged = () =>
  new FrostError('INVALID_DKG_STATE', 'round-1 packages differ from the round-2 transcript');

function sameTranscript(a: IndexMap<Round1Package>, b: [number, Round1Package][]): boolean {
  return JSON.stringify(indexEntries(a)) === JSON.stringify(b);
}

/** Round 1: sample the secret polynomial; broadcast `package` (commitments + PoK). */
export function dkgRound1(
  scheme: Scheme,
  index: number,
  t: number,
  n: number,
): { secretState: DkgSecretState; package: Round1Package } {
  validateThreshold(t, n);
  if (!Number.isInteger(index) || index < 1 || index > n) {
    throw new FrostError('INVALID_INPUT', `participant index must be 1..${n}, got ${index}`);
  }
  const suite = schemeInfo(scheme);
  const { coefficients, commitments } = secretPolynomial(suite, t);
  const proof = proveKnowledge(suite, BigInt(index), coefficients[0]!, commitments[0]!);
  const pkg: Round1Package = {
    commitments: commitments.map((c) => bytesToHex(c.toBytes())),
    proofOfKnowledge: bytesToHex(proof),
  };
  const secretState: DkgSecretState = {
    v: 1,
    scheme,
    index,
    t,
    n,
    step: 1,
    coefficients: coefficients.map((c) => bytesToHex(suite.scalarToBytes(c))),
    package: pkg,
  };
  return { secretState, package: pkg };
}

const coefficientsOf = (s: DkgSecretState): bigint[] =>
  s.coefficients.map((c) => schemeInfo(s.scheme).scalarFromBytes(hexToBytes(c)));

/**
 * Round 2: given the broadcast round-1 packages (keyed by index; our own may be included), check
 * every proof of knowledge and compute the secret share f_i(j) for each other participant j.
 * `sharesFor[j]` MUST be sent to j end-to-end encrypted (see protocol/e2e.ts).
 * Idempotent: re-running at step 2 with the same transcript returns the same shares.
 */
export function dkgRound2(
  secretState: DkgSecretState,
  allRound1Packages: IndexMap<unknown>,
): { secretState: DkgSecretState; sharesFor: IndexMap<string> } {
  const s = parseWire(DkgSecretStateSchema, secretState, 'DKG secret state');
  const others = othersRound1(s, allRound1Packages);
  if (s.round1 && !sameTranscript(s.round1, others)) throw transcriptChanged();
  const suite = schemeInfo(s.scheme);
  const coefficients = coefficientsOf(s);
  const sharesFor: IndexMap<string> = {};
  for (const [j] of others) {
    const share = evaluatePolynomial(suite.Fn, coefficients, BigInt(j));
    sharesFor[j] = bytesToHex(suite.scalarToBytes(share));
  }
  const round1 = Object.fromEntries(others.map(([i, p]) => [String(i), p]));
  return { secretState: { ...s, step: 2, round1 }, sharesFor };
}

/**
 * Round 3: verify each received share f_j(i) against j's VSS commitments (one batch; a failure
 * names j) and derive our signing share, verifying share and the group public key. For
 * frost-secp256k1-tr the output is the post-DKG Taproot key (even-Y normalised, then BIP86
 * TapTweak): the group key is the output key Q that BIP340 signatures verify under and the P2TR
 * address encodes.
 */
export function dkgRound3(
  secretState: DkgSecretState,
  round1Packages: IndexMap<unknown>,
  receivedShares: IndexMap<string>,
): DkgOutput {
  const s = parseWire(DkgSecretStateSchema, secretState, 'DKG secret state');
  if (s.step !== 2 || !s.round1) {
    throw new FrostError('INVALID_DKG_STATE', 'DKG round 3 needs the state after round 2');
  }
  const others = othersRound1(s, round1Packages);
  if (!sameTranscript(s.round1, others)) throw transcriptChanged();
  expectIndexes(
    receivedShares,
    others.map(([i]) => i),
    'received round-2 shares',
  );
  const suite = schemeInfo(s.scheme);
  const shareSchema = suiteSchemas(s.scheme).scalar;
  const commitmentsOf = (p: Round1Package) => p.commitments.map((c) => elementFromHex(s.scheme, c));
  const received: ShareClaim[] = others.map(([j, p]) => {
    const share = parseWire(shareSchema, receivedShares[j], `round-2 share from ${j}`, j);
    return {
      index: j,
      share: suite.scalarFromBytes(hexToBytes(share)),
      commitments: commitmentsOf(p),
    };
  });
  // Our own share f_i(i) is checked in the same batch: a mismatch means a corrupt state.
  const coefficients = coefficientsOf(s);
  const me = BigInt(s.index);
  const ownShare = evaluatePolynomial(suite.Fn, coefficients, me);
  const own: ShareClaim = {
    index: s.index,
    share: ownShare,
    commitments: commitmentsOf(s.package),
  };
  const bad = invalidShares(suite, me, [...received, own]);
  const culprits = bad.filter((j) => j !== s.index);
  if (culprits.length) {
    throw new FrostError('INVALID_SECRET_SHARE', 'received share fails VSS verification', culprits);
  }
  if (bad.length) {
    throw new FrostError(
      'INVALID_INPUT',
      'DKG round 3 failed: our state fails its own commitments',
    );
  }
  const signingShare = received.reduce((acc, r) => suite.Fn.add(acc, r.share), ownShare);
  const all = range(1, s.n).map((i) =>
    i === s.index ? own : received.find((r) => r.index === i)!,
  );
  const key = tweakKey(
    suite,
    keyFromCommitments(
      suite,
      s.n,
      all.map((c) => c.commitments),
    ),
    signingShare,
  );
  if (key.groupKey.is0() || key.verifyingShares.some((y) => y.is0()) || !key.signingShare) {
    throw new FrostError('INVALID_INPUT', 'DKG round 3 failed: the key or a share is the identity');
  }
  const verifyingShares: IndexMap<string> = {};
  key.verifyingShares.forEach((y, k) => (verifyingShares[k + 1] = bytesToHex(y.toBytes())));
  const keyShare = KeyShareSchema.parse({
    scheme: s.scheme,
    index: s.index,
    t: s.t,
    n: s.n,
    signingShare: bytesToHex(suite.scalarToBytes(key.signingShare)),
    verifyingShare: verifyingShares[s.index],
    groupPublicKey: bytesToHex(key.groupKey.toBytes()),
  });
  return { ...keyShare, verifyingShares };
}
