// Malformed and malicious inputs: exact lengths, point and scalar validation, blame.
import { describe, expect, it } from 'vitest';
import {
  aggregate,
  commit,
  confirmationCulprits,
  dkgRound1,
  dkgRound2,
  dkgRound3,
  expectedConfirmation,
  signShare,
  signatureSchema,
  suiteSchemas,
  verifyRound1,
  verifySignature,
  type IndexMap,
  type Round1Check,
  type Round1Package,
  elementFromHex,
  schemeInfo,
  signerCommitments,
} from '../../protocol/frost/index.js';
import { hexToBytes } from '../../protocol/encoding.js';
import { aggregateShares } from '../../protocol/frost/engine/aggregate.js';
import { signingContext } from '../../protocol/frost/engine/binding.js';
import {
  ORDER_HEX,
  catchFrost,
  codeOf,
  flipLastBit,
  offCurvePoint,
  persisted,
  reportsOf,
  runDkg,
  signRound,
} from './helpers.js';

const scheme = 'frost-secp256k1' as const;
const G = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const ONE = '00'.repeat(31) + '01';
const {
  element: PointHexSchema,
  scalar: ScalarHexSchema,
  nonceCommitments: NonceCommitmentsSchema,
  confirmation: ConfirmationSchema,
} = suiteSchemas(scheme);
const failure = (res: Round1Check) => (res.ok ? null : [res.error.code, res.error.culprits]);

describe('wire schemas', () => {
  it('points: exact length, on the curve, not identity; hex normalised to lowercase', () => {
    expect(PointHexSchema.parse(G.toUpperCase())).toBe(G);
    const bad = [
      G.slice(0, 64),
      G + '00',
      '00',
      '00'.repeat(33),
      offCurvePoint(),
      'zz' + G.slice(2),
      '04' + G.slice(2),
    ];
    for (const b of bad) expect(PointHexSchema.safeParse(b).success, b).toBe(false);
    const identityBinding = { hiding: G, binding: '00'.repeat(33) };
    expect(NonceCommitmentsSchema.safeParse(identityBinding).success).toBe(false);
    const extra = { groupPublicKey: G, verifyingShare: G, extra: 1 };
    expect(ConfirmationSchema.safeParse(extra).success).toBe(false);
  });

  it('scalars: 32 bytes and < n', () => {
    expect(ScalarHexSchema.safeParse(ONE).success).toBe(true);
    for (const bad of [ORDER_HEX, 'ff'.repeat(32), '01', '00'.repeat(33)]) {
      expect(ScalarHexSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('final signatures: 65 bytes R||z (frost-secp256k1), 64 bytes x(R)||z (Taproot)', () => {
    const plain = signatureSchema('frost-secp256k1');
    const tr = signatureSchema('frost-secp256k1-tr');
    expect(plain.safeParse(G + ONE).success).toBe(true);
    expect(plain.safeParse(G.slice(2) + ONE).success).toBe(false);
    expect(tr.safeParse(G.slice(2) + ONE).success).toBe(true);
    expect(tr.safeParse(G + ONE).success).toBe(false);
    expect(plain.safeParse(G + ORDER_HEX).success).toBe(false);
    expect(plain.safeParse(offCurvePoint() + ONE).success).toBe(false);
    expect(tr.safeParse(offCurvePoint().slice(2) + ONE).success).toBe(false);
  });
});

describe('DKG round 1 checks (coordinator)', () => {
  const { package: pkg } = dkgRound1(scheme, 2, 3, 5);
  const [c0, , c2] = pkg.commitments;
  const proofR = pkg.proofOfKnowledge.slice(0, 66);

  it('accepts a valid package and pins t', () => {
    expect(verifyRound1(scheme, 2, 3, pkg).ok).toBe(true);
    expect(failure(verifyRound1(scheme, 2, 2, pkg))).toEqual(['INVALID_INPUT', [2]]);
  });

  it.each([
    ['too few commitments', { ...pkg, commitments: pkg.commitments.slice(1) }],
    ['off-curve commitment', { ...pkg, commitments: [c0, offCurvePoint(), c2] }],
    ['identity commitment', { ...pkg, commitments: [c0, '00'.repeat(33), c2] }],
    ['Taproot-size proof', { ...pkg, proofOfKnowledge: pkg.proofOfKnowledge.slice(2) }],
    ['proof scalar >= n', { ...pkg, proofOfKnowledge: proofR + ORDER_HEX }],
    ['extra field', { ...pkg, index: 2 }],
    ['not an object', 'nope'],
  ])('rejects %s, naming the sender', (_, bad) => {
    expect(failure(verifyRound1(scheme, 2, 3, bad))).toEqual(['INVALID_INPUT', [2]]);
  });

  it('rejects a bad proof of knowledge and a proof replayed under another index', () => {
    const tampered = { ...pkg, proofOfKnowledge: flipLastBit(pkg.proofOfKnowledge) };
    const bad = 'INVALID_PROOF_OF_KNOWLEDGE';
    expect(failure(verifyRound1(scheme, 2, 3, tampered))).toEqual([bad, [2]]);
    expect(failure(verifyRound1(scheme, 4, 3, pkg))).toEqual([bad, [4]]);
  });

  it('rejects a rogue commitment swapped in under a valid-looking proof', () => {
    const other = dkgRound1(scheme, 2, 3, 5).package;
    const rogue = { ...pkg, commitments: [other.commitments[0]!, ...pkg.commitments.slice(1)] };
    expect(failure(verifyRound1(scheme, 2, 3, rogue))?.[0]).toBe('INVALID_PROOF_OF_KNOWLEDGE');
  });
});

describe('DKG participant checks', () => {
  const dkg = runDkg(scheme, 2, 3);
  const state1 = dkg.r1[0]!.secretState;
  const state2 = dkg.r2[0]!.secretState;
  const received = dkg.received(1);

  it('round 2 names every participant with a bad proof', () => {
    const r1 = dkgRound1(scheme, 1, 2, 3);
    const bad: IndexMap<Round1Package> = { ...dkg.round1, 1: r1.package };
    for (const i of [2, 3]) {
      bad[i] = { ...bad[i]!, proofOfKnowledge: flipLastBit(bad[i]!.proofOfKnowledge) };
    }
    const err = catchFrost(() => dkgRound2(r1.secretState, bad));
    expect([err.code, err.culprits]).toEqual(['INVALID_PROOF_OF_KNOWLEDGE', [2, 3]]);
  });

  it('round 2 rejects missing participants and a changed copy of our own package', () => {
    const { 3: _dropped, ...missing } = dkg.round1;
    expect(codeOf(() => dkgRound2(state1, missing))).toBe('INVALID_PARTICIPANTS');
    const own = { ...dkg.round1, 1: dkg.round1[2]! };
    expect(codeOf(() => dkgRound2(state1, own))).toBe('INVALID_INPUT');
  });

  it('round 3 names the sender of a share that fails VSS', () => {
    const tampered = { ...received, 3: flipLastBit(received[3]!) };
    const err = catchFrost(() => dkgRound3(state2, dkg.round1, tampered));
    expect([err.code, err.culprits]).toEqual(['INVALID_SECRET_SHARE', [3]]);
    const swapped = { 2: received[3]!, 3: received[2]! };
    expect(catchFrost(() => dkgRound3(state2, dkg.round1, swapped)).culprits).toEqual([2, 3]);
    const malformed = { ...received, 2: ORDER_HEX };
    expect(catchFrost(() => dkgRound3(state2, dkg.round1, malformed)).culprits).toEqual([2]);
  });

  it('round 3 refuses a transcript different from round 2, and a round-1 state', () => {
    const other = runDkg(scheme, 2, 3);
    const mixed = { ...dkg.round1, 2: other.round1[2]! };
    expect(codeOf(() => dkgRound3(state2, mixed, received))).toBe('INVALID_DKG_STATE');
    expect(codeOf(() => dkgRound3(state1, dkg.round1, received))).toBe('INVALID_DKG_STATE');
  });

  it('a tampered persisted state is rejected', () => {
    const state = persisted(state1);
    const truncated = { ...state, coefficients: state.coefficients.slice(1) };
    expect(codeOf(() => dkgRound2(truncated, dkg.round1))).toBe('INVALID_INPUT');
  });

  it('confirmation mismatches are attributed', () => {
    const reports = reportsOf(dkg.outputs);
    reports[2] = { ...reports[2]!, verifyingShare: dkg.outputs[0]!.verifyingShare };
    delete reports[3];
    expect(confirmationCulprits(scheme, dkg.expected, reports)).toEqual([2, 3]);
    const garbled = { ...dkg.round1, 2: 'x' };
    expect(catchFrost(() => expectedConfirmation(scheme, 2, 3, garbled)).culprits).toEqual([2]);
  });
});

describe('signing checks', () => {
  const dkg = runDkg(scheme, 2, 3);
  const pub = dkg.publicKeyPackage;
  const [k1, k2] = dkg.outputs;

  it('aggregate names every bad share, and missing shares', () => {
    const { signingPackage, shares } = signRound(scheme, dkg.outputs, [1, 2, 3], 'aa');
    // Two independent bad values (flipping one bit in each could cancel out in the sum).
    const bad = { ...shares, 1: ONE, 3: '00'.repeat(31) + '02' };
    const err = catchFrost(() => aggregate(scheme, pub, signingPackage, bad));
    expect([err.code, err.culprits]).toEqual(['INVALID_SIGNATURE_SHARE', [1, 3]]);
    const { 2: _missing, ...partial } = shares;
    const miss = catchFrost(() => aggregate(scheme, pub, signingPackage, partial));
    expect([miss.code, miss.culprits]).toEqual(['MISSING_SIGNATURE_SHARES', [2]]);
    const tooBig = { ...shares, 2: ORDER_HEX };
    const big = catchFrost(() => aggregate(scheme, pub, signingPackage, tooBig));
    expect([big.code, big.culprits]).toEqual(['INVALID_INPUT', [2]]);
  });

  it('the engine refuses to aggregate without a share and a verifying share of every signer', () => {
    const { signingPackage, shares } = signRound(scheme, dkg.outputs, [1, 2], 'aa');
    const suite = schemeInfo(scheme);
    const groupKey = elementFromHex(scheme, pub.groupPublicKey);
    const msg = hexToBytes(signingPackage.message);
    const ctx = signingContext(
      suite,
      groupKey,
      signerCommitments(scheme, signingPackage.commitments),
      msg,
    );
    const values = new Map([[1n, suite.scalarFromBytes(hexToBytes(shares[1]!))]]);
    const verifying = new Map(
      [1, 2].map((i) => [BigInt(i), elementFromHex(scheme, pub.verifyingShares[i]!)]),
    );
    expect(() => aggregateShares(suite, groupKey, verifying, ctx, msg, values)).toThrow(
      /signers 2/,
    );
    values.set(2n, suite.scalarFromBytes(hexToBytes(shares[2]!)));
    verifying.delete(2n);
    expect(() => aggregateShares(suite, groupKey, verifying, ctx, msg, values)).toThrow(
      /signers 2/,
    );
  });

  it('a share made for another message is blamed on its signer', () => {
    const c1 = commit(scheme, k1!.signingShare);
    const c2 = commit(scheme, k2!.signingShare);
    const pkg = { message: 'aa', commitments: { 1: c1.commitments, 2: c2.commitments } };
    const share1 = signShare(scheme, k1!, c1.nonces, pkg);
    const share2 = signShare(scheme, k2!, c2.nonces, { ...pkg, message: 'bb' });
    const err = catchFrost(() => aggregate(scheme, pub, pkg, { 1: share1, 2: share2 }));
    expect([err.code, err.culprits]).toEqual(['INVALID_SIGNATURE_SHARE', [2]]);
  });

  it('signShare refuses packages that are too small, omit us, or alter our commitments', () => {
    const c1 = commit(scheme, k1!.signingShare);
    const c2 = commit(scheme, k2!.signingShare);
    const sign = (commitments: SigningCommitments) =>
      codeOf(() => signShare(scheme, k1!, c1.nonces, { message: 'aa', commitments }));
    expect(sign({ 1: c1.commitments })).toBe('INVALID_SIGNING_PACKAGE');
    expect(sign({ 2: c2.commitments, 3: c1.commitments })).toBe('INVALID_SIGNING_PACKAGE');
    expect(sign({ 1: c1.commitments, 4: c2.commitments })).toBe('INVALID_SIGNING_PACKAGE');
    expect(sign({ 1: c2.commitments, 2: c2.commitments })).toBe('SIGNING_FAILED');
  });

  it('aggregate refuses signers outside the key', () => {
    const { signingPackage, shares } = signRound(scheme, dkg.outputs, [1, 2], 'aa');
    const narrow = { ...pub, verifyingShares: { 1: dkg.expected.verifyingShares[1]! } };
    const code = codeOf(() => aggregate(scheme, narrow, signingPackage, shares));
    expect(code).toBe('INVALID_SIGNING_PACKAGE');
  });

  it('verifySignature answers false (never throws) on garbage', () => {
    const { signingPackage, shares } = signRound(scheme, dkg.outputs, [1, 2], 'aa');
    const sig = aggregate(scheme, pub, signingPackage, shares);
    const gpk = dkg.expected.groupPublicKey;
    expect(verifySignature(scheme, gpk, 'aa', sig)).toBe(true);
    expect(verifySignature('frost-secp256k1-tr', gpk, 'aa', sig)).toBe(false);
    expect(verifySignature(scheme, gpk, 'aa', sig.slice(2))).toBe(false);
    expect(verifySignature(scheme, G, 'aa', sig)).toBe(false);
    expect(verifySignature(scheme, 'xyz', 'aa', sig)).toBe(false);
    expect(verifySignature(scheme, gpk, 'zz', sig)).toBe(false);
  });
});

type SigningCommitments = IndexMap<{ hiding: string; binding: string }>;
