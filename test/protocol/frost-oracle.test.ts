// Our RFC 9591 engine against noble's FROST (`@noble/curves/abstract/frost.js`) as an independent
// oracle, every suite, and the secp256k1 ones on both backends: a DKG among our participants and
// one of noble's agrees on every key; with the same randomness the nonces, commitments, signature
// shares and signature are byte for byte noble's; noble verifies what we aggregate.
import type { FROST, NonceCommitments as NobleCommitments } from '@noble/curves/abstract/frost.js';
import { ed25519_FROST, ristretto255_FROST } from '@noble/curves/ed25519.js';
import { ed448_FROST } from '@noble/curves/ed448.js';
import { p256_FROST } from '@noble/curves/nist.js';
import { schnorr_FROST, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../protocol/encoding.js';
import {
  SCHEMES,
  aggregate,
  commit,
  dkgRound1,
  dkgRound2,
  dkgRound3,
  expectedConfirmation,
  identifierOf,
  signShare,
  verifySignature,
  type IndexMap,
  type Round1Package,
  type Scheme,
} from '../../protocol/frost/index.js';
import { useSecp256k1Backend } from '../../protocol/group/secp256k1.js';
import type { Secp256k1BackendName } from '../../protocol/group/secp256k1-group.js';
import { signAndAggregate } from './helpers.js';

const NOBLE: Record<Scheme, FROST> = {
  'frost-secp256k1': secp256k1_FROST,
  'frost-secp256k1-tr': schnorr_FROST,
  'frost-ed25519': ed25519_FROST,
  'frost-ed448': ed448_FROST,
  'frost-p256': p256_FROST,
  'frost-ristretto255': ristretto255_FROST,
};

const runs: { scheme: Scheme; backend?: Secp256k1BackendName; on: string }[] = SCHEMES.flatMap(
  (scheme) =>
    scheme.startsWith('frost-secp256k1')
      ? [
          { scheme, backend: 'libsecp256k1' as const, on: 'libsecp256k1' },
          { scheme, backend: 'noble' as const, on: 'noble' },
        ]
      : [{ scheme, on: 'a noble group' }],
);

/** Deterministic bytes: the same sequence for us and for noble. */
function seededRng(seed: number) {
  let counter = seed;
  return (n: number) => Uint8Array.from({ length: n }, (_, k) => (counter * 31 + k * 7) & 0xff);
}
const nextSeeded = (seed: number) => {
  const calls = { n: seed };
  return (n = 32) => seededRng(calls.n++)(n);
};

describe.each(runs)('$scheme against noble FROST, on $on', ({ scheme, backend }) => {
  const f = NOBLE[scheme];
  const id = (i: number) => identifierOf(scheme, i);
  const hex = (b: Uint8Array) => bytesToHex(b);
  const toNoble = (i: number, p: Round1Package) => ({
    identifier: id(i),
    commitment: p.commitments.map((c) => hexToBytes(c)),
    proofOfKnowledge: hexToBytes(p.proofOfKnowledge),
  });

  it('a DKG of two of our participants and one of noble, then a signing by one of each', () => {
    const previous = backend && useSecp256k1Backend(backend);
    try {
      const [t, n] = [2, 3];
      // Participants 1 and 2 are ours, 3 is noble's.
      const ours = [1, 2].map((i) => dkgRound1(scheme, i, t, n));
      const theirs = f.DKG.round1(id(3), { min: t, max: n });
      const round1: IndexMap<Round1Package> = {
        1: ours[0]!.package,
        2: ours[1]!.package,
        3: {
          commitments: theirs.public.commitment.map(hex),
          proofOfKnowledge: hex(theirs.public.proofOfKnowledge),
        },
      };
      const r2 = ours.map((o) => dkgRound2(o.secretState, round1));
      // noble checks our proofs of knowledge here.
      const nobleR2 = f.DKG.round2(theirs.secret, [toNoble(1, round1[1]!), toNoble(2, round1[2]!)]);
      const received = (i: number): IndexMap<string> => ({
        ...Object.fromEntries(
          [1, 2].filter((j) => j !== i).map((j) => [j, r2[j - 1]!.sharesFor[i]!]),
        ),
        3: hex(nobleR2[id(i)]!.signingShare),
      });
      const outputs = [1, 2].map((i) => dkgRound3(r2[i - 1]!.secretState, round1, received(i)));
      const nobleKey = f.DKG.round3(
        theirs.secret,
        [toNoble(1, round1[1]!), toNoble(2, round1[2]!)],
        [1, 2].map((j) => ({
          identifier: id(j),
          signingShare: hexToBytes(r2[j - 1]!.sharesFor[3]!),
        })),
      );
      const expected = expectedConfirmation(scheme, t, n, round1);
      expect(expected.groupPublicKey).toBe(hex(nobleKey.public.commitments[0]!));
      for (const j of [1, 2, 3]) {
        expect(expected.verifyingShares[j]).toBe(hex(nobleKey.public.verifyingShares[id(j)]!));
      }
      for (const o of outputs) {
        expect(o.groupPublicKey).toBe(expected.groupPublicKey);
        expect(o.verifyingShares).toEqual(expected.verifyingShares);
      }

      // Signing by participant 1 (ours, also recomputed by noble) and participant 3 (noble's).
      const message = 'c0ffee' + '00'.repeat(29);
      const msg = hexToBytes(message);
      const rng = nextSeeded(7);
      const c1 = commit(scheme, outputs[0]!.signingShare, rng);
      const secret1 = { identifier: id(1), signingShare: hexToBytes(outputs[0]!.signingShare) };
      const n1 = f.commit(secret1, nextSeeded(7));
      expect(c1.nonces).toEqual({ hiding: hex(n1.nonces.hiding), binding: hex(n1.nonces.binding) });
      expect(c1.commitments).toEqual({
        hiding: hex(n1.commitments.hiding),
        binding: hex(n1.commitments.binding),
      });
      const n3 = f.commit(nobleKey.secret);
      const list: NobleCommitments[] = [n1.commitments, n3.commitments];
      const signingPackage = {
        message,
        commitments: {
          1: c1.commitments,
          3: { hiding: hex(n3.commitments.hiding), binding: hex(n3.commitments.binding) },
        },
      };
      const share1 = signShare(scheme, outputs[0]!, c1.nonces, signingPackage);
      const nobleShare1 = f.signShare(secret1, nobleKey.public, n1.nonces, list, msg);
      expect(share1).toBe(hex(nobleShare1));
      const share3 = f.signShare(nobleKey.secret, nobleKey.public, n3.nonces, list, msg);
      const shares = { 1: share1, 3: hex(share3) };
      const publicKeyPackage = { t, n, ...expected };
      const signature = aggregate(scheme, publicKeyPackage, signingPackage, shares);
      const nobleSig = f.aggregate(nobleKey.public, list, msg, {
        [id(1)]: hexToBytes(share1),
        [id(3)]: share3,
      });
      expect(signature).toBe(hex(nobleSig));
      expect(f.verify(hexToBytes(signature), msg, hexToBytes(expected.groupPublicKey))).toBe(true);
      expect(verifySignature(scheme, expected.groupPublicKey, message, signature)).toBe(true);
      // noble's per-share check agrees with ours that the shares are good.
      expect(f.verifyShare(nobleKey.public, list, msg, id(1), hexToBytes(share1))).toBe(true);
    } finally {
      if (previous) useSecp256k1Backend(previous);
    }
  });
});

describe('the two secp256k1 backends sign for each other', () => {
  it.each(['frost-secp256k1', 'frost-secp256k1-tr'] as const)('%s', (scheme) => {
    const previous = useSecp256k1Backend('noble');
    try {
      const message = 'ab'.repeat(32);
      const sign = () => {
        const { expected, signature } = signAndAggregate(scheme, 2, 3, [1, 3], message);
        return { key: expected.groupPublicKey, sig: signature };
      };
      const byNoble = sign();
      useSecp256k1Backend('libsecp256k1');
      const byNative = sign();
      expect(verifySignature(scheme, byNoble.key, message, byNoble.sig)).toBe(true);
      useSecp256k1Backend('noble');
      expect(verifySignature(scheme, byNative.key, message, byNative.sig)).toBe(true);
      const nobleVerify = NOBLE[scheme].verify;
      for (const { key, sig } of [byNoble, byNative]) {
        expect(nobleVerify(hexToBytes(sig), hexToBytes(message), hexToBytes(key))).toBe(true);
      }
    } finally {
      useSecp256k1Backend(previous);
    }
  });
});
