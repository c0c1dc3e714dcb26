// Full DKG + signing among in-process participants, every scheme, 2-of-3 and 3-of-5.
import { describe, expect, it } from 'vitest';
import { p2trAddress } from '../../protocol/address.js';
import {
  SCHEMES,
  aggregate,
  confirmationCulprits,
  dkgRound2,
  verifySignature,
  type Scheme,
} from '../../protocol/frost/index.js';
import { bip340Verify, reportsOf, runDkg, signAndAggregate, signRound } from './helpers.js';

const cases = SCHEMES.flatMap((scheme) => [
  { scheme, t: 2, n: 3, signers: [1, 3] },
  { scheme, t: 3, n: 5, signers: [2, 4, 5] },
]);

// RFC 9591 / BIP340 signature sizes, written out (not read from the suite descriptions).
const SIGNATURE_BYTES: Record<Scheme, number> = {
  'frost-secp256k1': 65,
  'frost-secp256k1-tr': 64,
  'frost-ed25519': 64,
  'frost-ed448': 114,
  'frost-p256': 65,
  'frost-ristretto255': 64,
};

describe.each(cases)('$scheme $t-of-$n', ({ scheme, t, n, signers }) => {
  it('every participant confirms what the coordinator predicts', () => {
    const { outputs, expected } = runDkg(scheme, t, n);
    for (const o of outputs) {
      expect(o.groupPublicKey).toBe(expected.groupPublicKey);
      expect(o.verifyingShare).toBe(expected.verifyingShares[o.index]);
      expect(o.verifyingShares).toEqual(expected.verifyingShares);
    }
    expect(confirmationCulprits(scheme, expected, reportsOf(outputs))).toEqual([]);
  });

  it('t signers produce a signature that verifies under the group key', () => {
    const message = '00'.repeat(32);
    const { signature, expected } = signAndAggregate(scheme, t, n, signers, message);
    const taproot = scheme === 'frost-secp256k1-tr';
    expect(signature).toHaveLength(SIGNATURE_BYTES[scheme] * 2);
    expect(verifySignature(scheme, expected.groupPublicKey, message, signature)).toBe(true);
    if (taproot) {
      expect(bip340Verify(signature, message, expected.groupPublicKey)).toBe(true);
      expect(p2trAddress(expected.groupPublicKey, 'bcrt')).toMatch(/^bcrt1p[02-9ac-hj-np-z]{58}$/);
    }
  });

  it('all n signers, and an empty message, also work', () => {
    const all = Array.from({ length: n }, (_, k) => k + 1);
    const { signature, expected } = signAndAggregate(scheme, t, n, all, '');
    expect(verifySignature(scheme, expected.groupPublicKey, '', signature)).toBe(true);
  });

  it('the same key signs repeatedly with fresh nonces', () => {
    const { outputs, publicKeyPackage, expected } = runDkg(scheme, t, n);
    for (const msg of ['01', '02']) {
      const { signingPackage, shares } = signRound(scheme, outputs, signers, msg);
      const sig = aggregate(scheme, publicKeyPackage, signingPackage, shares);
      expect(verifySignature(scheme, expected.groupPublicKey, msg, sig)).toBe(true);
    }
  });

  it('round 2 is idempotent for the same transcript (resume after a crash)', () => {
    const { r2, round1 } = runDkg(scheme, t, n);
    const again = dkgRound2(r2[0]!.secretState, round1);
    expect(again.sharesFor).toEqual(r2[0]!.sharesFor);
  });
});
