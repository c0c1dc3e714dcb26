// Participant side of the DKG (frost-rs style, 3 rounds), wrapping noble's `DKG.round1/2/3`.
// Between rounds the secret state is plain JSON so an agent can persist it and resume.
import type { DKG_Round1, DKG_Secret } from '@noble/curves/abstract/frost.js';
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
import { SchemeSchema, identifierOf, indexOf, schemeInfo, type Scheme } from './schemes.js';
import { verifyProofOfKnowledge } from './vss.js';

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

const toNobleRound1 = (scheme: Scheme, index: number, p: Round1Package): DKG_Round1 => ({
  identifier: identifierOf(scheme, index),
  commitment: p.commitments.map((c) => hexToBytes(c)),
  proofOfKnowledge: hexToBytes(p.proofOfKnowledge),
});

function toNobleSecret(s: DkgSecretState): DKG_Secret {
  return {
    identifier: BigInt(s.index),
    coefficients: s.coefficients.map((c) => schemeInfo(s.scheme).scalarFromBytes(hexToBytes(c))),
    commitment: s.package.commitments.map((c) => hexToBytes(c)),
    signers: { min: s.t, max: s.n },
    step: s.step,
    ...(s.round1 && {
      round1Cache: indexEntries(s.round1).map(([i, p]) => toNobleRound1(s.scheme, i, p)),
    }),
  };
}

/**
 * Validate the broadcast round-1 packages (all n, or the n-1 others) against the state: shapes,
 * exactly t commitments, our own package unchanged, and every other proof of knowledge.
 * Returns the others' packages, ascending by index.
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
  const bad = parsed
    .filter(([i, p]) => !verifyProofOfKnowledge(s.scheme, i, p.commitments[0]!, p.proofOfKnowledge))
    .map(([i]) => i);
  if (bad.length) {
    throw new FrostError('INVALID_PROOF_OF_KNOWLEDGE', 'invalid DKG proof of knowledge', bad);
  }
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
  const info = schemeInfo(scheme);
  const suite = info.frost;
  const r1 = suite.DKG.round1(identifierOf(scheme, index), { min: t, max: n });
  const pkg: Round1Package = {
    commitments: r1.public.commitment.map(bytesToHex),
    proofOfKnowledge: bytesToHex(r1.public.proofOfKnowledge),
  };
  const coefficients = (r1.secret.coefficients ?? []).map((c) => bytesToHex(info.scalarToBytes(c)));
  suite.DKG.clean(r1.secret);
  const secretState: DkgSecretState = {
    v: 1,
    scheme,
    index,
    t,
    n,
    step: 1,
    coefficients,
    package: pkg,
  };
  return { secretState, package: pkg };
}

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
  const suite = schemeInfo(s.scheme).frost;
  const secret = toNobleSecret({ ...s, step: 1, round1: undefined });
  let out: Record<string, { signingShare: Uint8Array }>;
  try {
    out = suite.DKG.round2(
      secret,
      others.map(([i, p]) => toNobleRound1(s.scheme, i, p)),
    );
  } catch (err) {
    throw new FrostError('INVALID_INPUT', `DKG round 2 failed: ${(err as Error).message}`);
  } finally {
    suite.DKG.clean(secret);
  }
  const sharesFor: IndexMap<string> = {};
  for (const [id, pkg] of Object.entries(out)) {
    sharesFor[indexOf(s.scheme, id)] = bytesToHex(pkg.signingShare);
  }
  const round1 = Object.fromEntries(others.map(([i, p]) => [String(i), p]));
  return { secretState: { ...s, step: 2, round1 }, sharesFor };
}

/**
 * Round 3: verify each received share f_j(i) against j's VSS commitments (a failure names j) and
 * derive our signing share, verifying share and the group public key. For frost-secp256k1-tr the
 * output is noble's post-DKG Taproot key (even-Y normalised, then BIP86 TapTweak): the group key
 * is the output key Q that BIP340 signatures verify under and the P2TR address encodes.
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
  const otherIdx = others.map(([i]) => i);
  expectIndexes(receivedShares, otherIdx, 'received round-2 shares');
  const suite = schemeInfo(s.scheme).frost;
  const myId = identifierOf(s.scheme, s.index);
  const shareSchema = suiteSchemas(s.scheme).scalar;
  const shares = otherIdx.map((j) => {
    const share = parseWire(shareSchema, receivedShares[j], `round-2 share from ${j}`, j);
    return { identifier: identifierOf(s.scheme, j), signingShare: hexToBytes(share) };
  });
  const bad: number[] = [];
  others.forEach(([j, p], k) => {
    try {
      // RFC 9591 App. C.2 vss_verify of f_j(i) against j's commitments alone.
      suite.validateSecret(
        { identifier: myId, signingShare: shares[k]!.signingShare },
        {
          signers: { min: s.t, max: s.n },
          commitments: p.commitments.map((c) => hexToBytes(c)),
          verifyingShares: {},
        },
      );
    } catch {
      bad.push(j);
    }
  });
  if (bad.length) {
    throw new FrostError('INVALID_SECRET_SHARE', 'received share fails VSS verification', bad);
  }
  const secret = toNobleSecret(s);
  let key;
  try {
    key = suite.DKG.round3(
      secret,
      others.map(([i, p]) => toNobleRound1(s.scheme, i, p)),
      shares,
    );
  } catch (err) {
    throw new FrostError('INVALID_INPUT', `DKG round 3 failed: ${(err as Error).message}`);
  } finally {
    suite.DKG.clean(secret);
  }
  const verifyingShares: IndexMap<string> = {};
  for (const [id, vs] of Object.entries(key.public.verifyingShares)) {
    verifyingShares[indexOf(s.scheme, id)] = bytesToHex(vs);
  }
  const keyShare = KeyShareSchema.parse({
    scheme: s.scheme,
    index: s.index,
    t: s.t,
    n: s.n,
    signingShare: bytesToHex(key.secret.signingShare),
    verifyingShare: verifyingShares[s.index],
    groupPublicKey: bytesToHex(key.public.commitments[0]!),
  });
  return { ...keyShare, verifyingShares };
}
