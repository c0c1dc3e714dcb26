// Coordinator side: check DKG round-1 packages, predict every participant's confirmation from the
// round-1 commitments, aggregate signature shares (aggregate first, blame shares only on failure).
// All on our RFC 9591 engine (engine/).
import { bytesToHex, hexToBytes } from '../encoding.js';
import { FrostError } from './errors.js';
import {
  expectIndexes,
  indexEntries,
  parseWire,
  range,
  round1PackageSchema,
  suiteSchemas,
  validateThreshold,
  type IndexMap,
  type PublicKeyPackage,
  type Round1Package,
  type SigningPackage,
} from './schemas.js';
import { aggregateShares, type Aggregation } from './engine/aggregate.js';
import { signingContext } from './engine/binding.js';
import { keyFromCommitments, tweakKey } from './engine/dkg.js';
import { decodeSignature, verifySchnorr } from './engine/schnorr.js';
import { schemeInfo, type Scheme } from './schemes.js';
import { signerCommitments } from './sign.js';
import { assertProofsOfKnowledge, elementFromHex, verifyProofOfKnowledge } from './vss.js';

export type Round1Check = { ok: true; package: Round1Package } | { ok: false; error: FrostError };

/** Validate one participant's round-1 package: exact shapes, exactly t commitments, valid PoK. */
export function verifyRound1(scheme: Scheme, index: number, t: number, pkg: unknown): Round1Check {
  try {
    const p = parseWire(round1PackageSchema(scheme, t), pkg, `round-1 package of ${index}`, index);
    if (!verifyProofOfKnowledge(scheme, index, p.commitments[0]!, p.proofOfKnowledge)) {
      throw new FrostError('INVALID_PROOF_OF_KNOWLEDGE', 'invalid DKG proof of knowledge', [index]);
    }
    return { ok: true, package: p };
  } catch (err) {
    if (err instanceof FrostError) return { ok: false, error: err };
    throw err;
  }
}

export interface ExpectedConfirmation {
  groupPublicKey: string;
  verifyingShares: IndexMap<string>;
}

/**
 * The group key and each participant's verifying share implied by the round-1 commitments:
 * PK = Σ_i φ_i0, Y_j = Σ_k (Σ_i φ_ik)·j^k, then the suite's post-DKG tweak if it has one
 * (frost-secp256k1-tr, as frost-rs: even-Y normalise, then TapTweak key and shares). The n proofs
 * of knowledge are checked as one batch; a failure names every participant whose proof fails.
 */
export function expectedConfirmation(
  scheme: Scheme,
  t: number,
  n: number,
  round1Packages: IndexMap<unknown>,
): ExpectedConfirmation {
  validateThreshold(t, n);
  expectIndexes(round1Packages, range(1, n), 'round-1 packages');
  const suite = schemeInfo(scheme);
  const schema = round1PackageSchema(scheme, t);
  const packages = range(1, n).map((i) => {
    const pkg = (round1Packages as Record<string, unknown>)[String(i)];
    return parseWire(schema, pkg, `round-1 package of ${i}`, i);
  });
  assertProofsOfKnowledge(
    scheme,
    packages.map((p, k) => [k + 1, p]),
  );
  const commitments = packages.map((p) => p.commitments.map((c) => elementFromHex(scheme, c)));
  const key = tweakKey(suite, keyFromCommitments(suite, n, commitments));
  if (key.groupKey.is0() || key.verifyingShares.some((y) => y.is0())) {
    throw new FrostError(
      'CONFIRMATION_MISMATCH',
      'DKG produced an identity group key or verifying share',
    );
  }
  const verifyingShares: IndexMap<string> = {};
  key.verifyingShares.forEach((y, k) => (verifyingShares[k + 1] = bytesToHex(y.toBytes())));
  return { groupPublicKey: bytesToHex(key.groupKey.toBytes()), verifyingShares };
}

/** Indexes whose confirmation (missing, malformed or different) disagrees with `expected`. */
export function confirmationCulprits(
  scheme: Scheme,
  expected: ExpectedConfirmation,
  reports: IndexMap<unknown>,
): number[] {
  const schema = suiteSchemas(scheme).confirmation;
  return indexEntries(expected.verifyingShares)
    .filter(([j, share]) => {
      const r = schema.safeParse((reports as Record<string, unknown>)[String(j)]);
      if (!r.success) return true;
      return r.data.groupPublicKey !== expected.groupPublicKey || r.data.verifyingShare !== share;
    })
    .map(([j]) => j);
}

/**
 * Aggregate signature shares (RFC 9591 §5.3) into the final signature (hex). The engine verifies
 * the aggregate against the group key first and only on failure checks each share (§5.4), so the
 * honest path costs one verification; failures throw FrostError with the culprit indexes.
 */
export function aggregate(
  scheme: Scheme,
  publicKeyPackage: PublicKeyPackage,
  signingPackage: SigningPackage,
  shares: IndexMap<string>,
): string {
  const exact = suiteSchemas(scheme);
  const pub = parseWire(exact.publicKeyPackage, publicKeyPackage, 'public key package');
  const pkg = parseWire(exact.signingPackage, signingPackage, 'signing package');
  const signers = indexEntries(pkg.commitments).map(([i]) => i);
  const unknown = signers.filter(
    (i) => i > pub.n || !Object.hasOwn(pub.verifyingShares, String(i)),
  );
  if (signers.length < pub.t || signers.length > pub.n || unknown.length) {
    throw new FrostError(
      'INVALID_SIGNING_PACKAGE',
      `signing package must name between t=${pub.t} and n=${pub.n} key participants, ` +
        `got ${signers.join(', ')}`,
    );
  }
  const missing = signers.filter((i) => !Object.hasOwn(shares, String(i)));
  if (missing.length) {
    throw new FrostError('MISSING_SIGNATURE_SHARES', 'signature shares missing', missing);
  }
  expectIndexes(shares, signers, 'signature shares');
  const suite = schemeInfo(scheme);
  const shareValues = new Map<bigint, bigint>();
  for (const i of signers) {
    const share = parseWire(exact.scalar, shares[i], `signature share of ${i}`, i);
    shareValues.set(BigInt(i), suite.scalarFromBytes(hexToBytes(share)));
  }
  const verifyingShares = new Map(
    indexEntries(pub.verifyingShares).map(([i, y]) => [BigInt(i), elementFromHex(scheme, y)]),
  );
  let result: Aggregation;
  try {
    const groupKey = elementFromHex(scheme, pub.groupPublicKey);
    const msg = hexToBytes(pkg.message);
    const ctx = signingContext(suite, groupKey, signerCommitments(scheme, pkg.commitments), msg);
    result = aggregateShares(suite, groupKey, verifyingShares, ctx, msg, shareValues);
  } catch (err) {
    throw new FrostError('AGGREGATION_FAILED', `aggregation failed: ${(err as Error).message}`);
  }
  if (result.ok) return bytesToHex(result.signature);
  if (result.culprits.length) {
    const culprits = result.culprits.map(Number).sort((a, b) => a - b);
    throw new FrostError('INVALID_SIGNATURE_SHARE', 'invalid signature share', culprits);
  }
  throw new FrostError('AGGREGATION_FAILED', 'aggregation failed: the signature does not verify');
}

/**
 * Verify a final signature (hex) over `message` (hex) under the group key (hex) in the scheme's
 * own encodings (docs/protocol.md, Ciphersuites). frost-secp256k1-tr: BIP340 over x(groupKey),
 * i.e. the same answer as `schnorr.verify(sig, msg, xOnly(groupKey))`.
 */
export function verifySignature(
  scheme: Scheme,
  groupPublicKey: string,
  message: string,
  signature: string,
): boolean {
  try {
    const exact = suiteSchemas(scheme);
    const sig = exact.signature.parse(signature);
    const key = exact.element.parse(groupPublicKey);
    const suite = schemeInfo(scheme);
    const { R, z } = decodeSignature(suite, hexToBytes(sig));
    return verifySchnorr(suite, hexToBytes(message), R, z, elementFromHex(scheme, key));
  } catch {
    return false;
  }
}
