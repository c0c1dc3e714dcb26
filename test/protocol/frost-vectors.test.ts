// Every file in test/protocol/vectors: RFC 9591 signing vectors of every suite, ZF signing and DKG
// vectors of both secp256k1 schemes.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../protocol/encoding.js';
import { signingContext } from '../../protocol/frost/engine/binding.js';
import type { Secp256k1BackendName } from '../../protocol/group/secp256k1-group.js';
import { secp256k1Group, useSecp256k1Backend } from '../../protocol/group/secp256k1.js';
import {
  aggregate,
  commit,
  dkgRound2,
  dkgRound3,
  elementFromHex,
  expectedConfirmation,
  identifierOf,
  schemeInfo,
  signerCommitments,
  signShare,
  verifyRound1,
  verifySignature,
  type DkgSecretState,
  type IndexMap,
  type Round1Package,
  type Scheme,
} from '../../protocol/frost/index.js';
import {
  bip340Verify,
  catchFrost,
  flipLastBit,
  flipScalarLowBit,
  signRound,
  verifyingShareOf,
} from './helpers.js';

// RFC 9591 (CFRG proof of concept) and Zcash Foundation frost-rs vectors, kept in the repository
// (see vectors/README.md) so the test runs from any clone. Each file's scheme is named here, not
// guessed from its name: a new file must be listed before it runs.
const SCHEME_OF_FILE: Readonly<Record<string, Scheme>> = {
  'cfrg-poc-frost-secp256k1-sha256.json': 'frost-secp256k1',
  'cfrg-poc-frost-ed25519-sha512.json': 'frost-ed25519',
  'cfrg-poc-frost-ed448-shake256.json': 'frost-ed448',
  'cfrg-poc-frost-p256-sha256.json': 'frost-p256',
  'cfrg-poc-frost-ristretto255-sha512.json': 'frost-ristretto255',
  'zf-frost-secp256k1-vectors.json': 'frost-secp256k1',
  'zf-frost-secp256k1-vectors_dkg.json': 'frost-secp256k1',
  'zf-frost-secp256k1-tr-vectors.json': 'frost-secp256k1-tr',
  'zf-frost-secp256k1-tr-vectors_dkg.json': 'frost-secp256k1-tr',
};
const EXPECTED_FILES = 9;
const vectorsDir = fileURLToPath(new URL('./vectors', import.meta.url));
const files = readdirSync(vectorsDir).filter((f) => f.endsWith('.json'));
const unknownFiles = files.filter((f) => !Object.hasOwn(SCHEME_OF_FILE, f));
if (unknownFiles.length)
  throw new Error(`vector files with no scheme in this test: ${unknownFiles.join(', ')}`);
if (files.length !== EXPECTED_FILES)
  throw new Error(
    `expected ${EXPECTED_FILES} vector files in ${vectorsDir}, found ${files.length}`,
  );
const load = (f: string) => JSON.parse(readFileSync(path.join(vectorsDir, f), 'utf8'));
const schemeOf = (f: string): Scheme => SCHEME_OF_FILE[f]!;

interface SigningVector {
  config: { MAX_PARTICIPANTS: string; MIN_PARTICIPANTS: string };
  inputs: {
    group_public_key?: string;
    verifying_key_key?: string;
    message: string;
    participant_shares: { identifier: number; participant_share: string }[];
  };
  round_one_outputs: {
    outputs: {
      identifier: number;
      hiding_nonce_randomness: string;
      binding_nonce_randomness: string;
      hiding_nonce: string;
      binding_nonce: string;
      hiding_nonce_commitment: string;
      binding_nonce_commitment: string;
      binding_factor_input: string;
      binding_factor: string;
    }[];
  };
  round_two_outputs: { outputs: { identifier: number; sig_share: string }[] };
  final_output: { sig: string };
}

interface DkgParticipant {
  signing_key: string;
  coefficient: string;
  vss_commitments: string[];
  proof_of_knowledge: string;
  signing_shares: Record<string, string>;
  verifying_share: string;
  signing_share: string;
}
interface DkgVector {
  config: { MAX_PARTICIPANTS: number; MIN_PARTICIPANTS: number };
  inputs: { verifying_key: string } & Record<string, DkgParticipant | string>;
}

const signingFiles = files.filter((f) => 'round_one_outputs' in load(f));
const dkgFiles = files.filter((f) => load(f).inputs?.['1']?.vss_commitments);

describe('vector inventory', () => {
  it('has every listed file and classifies each', () => {
    expect(Object.keys(SCHEME_OF_FILE)).toHaveLength(EXPECTED_FILES);
    expect([...files].sort()).toEqual(Object.keys(SCHEME_OF_FILE).sort());
    expect([...signingFiles, ...dkgFiles].sort()).toEqual([...files].sort());
  });
});

// Every vector on both secp256k1 backends (the other suites are on noble either way). Everything
// above is hex, so no element outlives a switch.
describe.each(['libsecp256k1', 'noble'] as const)('on the %s secp256k1 backend', (backend) => {
  let previous: Secp256k1BackendName;
  beforeAll(() => {
    previous = useSecp256k1Backend(backend);
  });
  afterAll(() => {
    useSecp256k1Backend(previous);
  });
  it('runs on that backend', () => {
    expect(secp256k1Group.backend).toBe(backend);
  });

  describe.each(signingFiles)('signing vector %s', (file) => {
    const v = load(file) as SigningVector;
    const scheme = schemeOf(file);
    const t = Number(v.config.MIN_PARTICIPANTS);
    const n = Number(v.config.MAX_PARTICIPANTS);
    const groupPublicKey = (v.inputs.group_public_key ?? v.inputs.verifying_key_key)!;
    const shareOf = (i: number) =>
      v.inputs.participant_shares.find((p) => p.identifier === i)!.participant_share;
    const verifyingShares: IndexMap<string> = Object.fromEntries(
      v.inputs.participant_shares.map((p) => [
        p.identifier,
        verifyingShareOf(scheme, p.participant_share),
      ]),
    );
    const pub = { t, n, groupPublicKey, verifyingShares };
    const commitmentsOf = (o: SigningVector['round_one_outputs']['outputs'][number]) => ({
      hiding: o.hiding_nonce_commitment,
      binding: o.binding_nonce_commitment,
    });
    const signingPackage = {
      message: v.inputs.message,
      commitments: Object.fromEntries(
        v.round_one_outputs.outputs.map((o) => [o.identifier, commitmentsOf(o)]),
      ),
    };
    const shares: IndexMap<string> = Object.fromEntries(
      v.round_two_outputs.outputs.map((o) => [o.identifier, o.sig_share]),
    );

    it('reproduces nonces and commitments from the given randomness', () => {
      for (const o of v.round_one_outputs.outputs) {
        const rand = [o.hiding_nonce_randomness, o.binding_nonce_randomness].map((h) =>
          hexToBytes(h),
        );
        const c = commit(scheme, shareOf(o.identifier), () => rand.shift()!);
        expect(c.nonces).toEqual({ hiding: o.hiding_nonce, binding: o.binding_nonce });
        expect(c.commitments).toEqual(commitmentsOf(o));
      }
    });

    // The binding factor input ends with SerializeScalar(identifier) (RFC 9591 §4.4): our
    // identifiers encode as the vector's, in the suite's byte order.
    it('encodes identifiers as the binding factor inputs do', () => {
      for (const o of v.round_one_outputs.outputs) {
        expect(o.binding_factor_input.endsWith(identifierOf(scheme, o.identifier))).toBe(true);
      }
    });

    // The engine's binding factors (RFC 9591 §4.4) and the vectors' (their input ends with the
    // identifier, so the whole input is checked through H1).
    it('reproduces every binding factor', () => {
      const suite = schemeInfo(scheme);
      const ctx = signingContext(
        suite,
        elementFromHex(scheme, groupPublicKey),
        signerCommitments(scheme, signingPackage.commitments),
        hexToBytes(v.inputs.message),
      );
      for (const o of v.round_one_outputs.outputs) {
        const rho = ctx.bindingFactors.get(BigInt(o.identifier))!;
        expect(bytesToHex(suite.scalarToBytes(rho))).toBe(o.binding_factor);
      }
    });

    it('reproduces every signature share', () => {
      for (const o of v.round_one_outputs.outputs) {
        const signingShare = shareOf(o.identifier);
        const key = { index: o.identifier, t, n, signingShare, groupPublicKey };
        const nonces = { hiding: o.hiding_nonce, binding: o.binding_nonce };
        expect(signShare(scheme, key, nonces, signingPackage)).toBe(shares[o.identifier]);
      }
    });

    it('aggregates to the expected signature, which verifies', () => {
      const sig = aggregate(scheme, pub, signingPackage, shares);
      expect(sig).toBe(v.final_output.sig);
      expect(verifySignature(scheme, groupPublicKey, v.inputs.message, sig)).toBe(true);
      expect(verifySignature(scheme, groupPublicKey, v.inputs.message + '00', sig)).toBe(false);
      // z changed by one, still canonical: only the verification equation can reject it.
      const otherZ = flipScalarLowBit(scheme, sig);
      expect(verifySignature(scheme, groupPublicKey, v.inputs.message, otherZ)).toBe(false);
      if (scheme === 'frost-secp256k1-tr') {
        expect(bip340Verify(sig, v.inputs.message, groupPublicKey)).toBe(true);
      }
    });

    it('per-share verification names a tampered share', () => {
      for (const o of v.round_two_outputs.outputs) {
        const bad = { ...shares, [o.identifier]: flipScalarLowBit(scheme, o.sig_share) };
        const err = catchFrost(() => aggregate(scheme, pub, signingPackage, bad));
        expect(err.code).toBe('INVALID_SIGNATURE_SHARE');
        expect(err.culprits).toEqual([o.identifier]);
      }
    });
  });

  describe.each(dkgFiles)('DKG vector %s', (file) => {
    const v = load(file) as DkgVector;
    const scheme = schemeOf(file);
    const t = v.config.MIN_PARTICIPANTS;
    const n = v.config.MAX_PARTICIPANTS;
    const indexes = Array.from({ length: n }, (_, k) => k + 1);
    const p = (i: number) => v.inputs[String(i)] as DkgParticipant;
    const round1: IndexMap<Round1Package> = Object.fromEntries(
      indexes.map((i) => [
        i,
        { commitments: p(i).vss_commitments, proofOfKnowledge: p(i).proof_of_knowledge },
      ]),
    );
    const state = (i: number): DkgSecretState => ({
      v: 1,
      scheme,
      index: i,
      t,
      n,
      step: 1,
      coefficients: [p(i).signing_key, p(i).coefficient],
      package: round1[i]!,
    });

    it('verifies every proof of knowledge, and rejects it under another index', () => {
      for (const i of indexes) {
        expect(verifyRound1(scheme, i, t, round1[i])).toMatchObject({ ok: true });
        const other = (i % n) + 1;
        const res = verifyRound1(scheme, other, t, round1[i]);
        expect(res.ok).toBe(false);
        if (!res.ok) expect(res.error.culprits).toEqual([other]);
      }
    });

    it('predicts the group key and every verifying share from round-1 commitments', () => {
      const exp = expectedConfirmation(scheme, t, n, round1);
      expect(exp.groupPublicKey).toBe(v.inputs.verifying_key);
      for (const i of indexes) expect(exp.verifyingShares[i]).toBe(p(i).verifying_share);
    });

    it('round 2 reproduces the shares sent and round 3 the signing shares', () => {
      const exp = expectedConfirmation(scheme, t, n, round1);
      for (const i of indexes) {
        const r2 = dkgRound2(state(i), round1);
        for (const j of indexes.filter((j) => j !== i)) {
          expect(r2.sharesFor[j]).toBe(p(j).signing_shares[String(i)]);
        }
        const out = dkgRound3(r2.secretState, round1, p(i).signing_shares);
        expect(out.signingShare).toBe(p(i).signing_share);
        expect(out.verifyingShare).toBe(p(i).verifying_share);
        expect(out.groupPublicKey).toBe(v.inputs.verifying_key);
        expect(out.verifyingShares).toEqual(exp.verifyingShares);
      }
    });

    it('the DKG keys sign under the group key', () => {
      const keys = indexes.map((i) =>
        dkgRound3(dkgRound2(state(i), round1).secretState, round1, p(i).signing_shares),
      );
      const { signingPackage, shares } = signRound(scheme, keys, [1, 3], 'cafe');
      const groupPublicKey = v.inputs.verifying_key;
      const pub = { t, n, groupPublicKey, verifyingShares: keys[0]!.verifyingShares };
      const sig = aggregate(scheme, pub, signingPackage, shares);
      expect(verifySignature(scheme, v.inputs.verifying_key, 'cafe', sig)).toBe(true);
      if (scheme === 'frost-secp256k1-tr') {
        expect(bip340Verify(sig, 'cafe', groupPublicKey)).toBe(true);
      }
    });

    it('names the culprit of a tampered proof or share', () => {
      const proofOfKnowledge = flipLastBit(round1[2]!.proofOfKnowledge);
      const bad = { ...round1, 2: { ...round1[2]!, proofOfKnowledge } };
      const res = verifyRound1(scheme, 2, t, bad[2]);
      expect(res.ok ? null : res.error.code).toBe('INVALID_PROOF_OF_KNOWLEDGE');
      expect(catchFrost(() => dkgRound2(state(1), bad)).culprits).toEqual([2]);
      const r2 = dkgRound2(state(1), round1);
      const shares = { ...p(1).signing_shares, 3: flipLastBit(p(1).signing_shares['3']!) };
      const err = catchFrost(() => dkgRound3(r2.secretState, round1, shares));
      expect(err.code).toBe('INVALID_SECRET_SHARE');
      expect(err.culprits).toEqual([3]);
    });
  });
});
