// The demo's own checks of a threshold signature (cli/demo/verify.ts): every scheme has a
// verifier that shares no code with our FROST engine, and each check refuses a tampered signature.
import { describe, expect, it } from 'vitest';
import { thresholdChecks, verifiersOf } from '../../cli/demo/verify.js';
import { runDkg, signRound } from '../../harness/frost-rounds.js';
import { aggregate, SCHEMES } from '../../protocol/frost/index.js';

describe.each(SCHEMES)('the demo verifies a %s signature', (scheme) => {
  it('with protocol/frost and an independent verifier, and refuses a tampered one', () => {
    const dkg = runDkg(scheme, 2, 3);
    const message = Buffer.from(`demo check ${scheme}`).toString('hex');
    const round = signRound(scheme, dkg.outputs, [1, 3], message);
    const signature = aggregate(scheme, dkg.publicKeyPackage, round.signingPackage, round.shares);
    const run = { scheme, groupPublicKey: dkg.expected.groupPublicKey, message, signature };
    expect(verifiersOf(scheme)).toMatch(/^protocol\/frost \+ /);
    const checks = thresholdChecks(run);
    // Ours and the independent one (Taproot and Ed25519 add an address check: no address here).
    expect(checks.slice(0, 2).map((c) => c.ok)).toEqual([true, true]);
    // z + 1 in the last byte's place (the last byte of z, either byte order): both must refuse.
    const last = signature.slice(-2) === 'ff' ? '00' : 'ff';
    const tampered = thresholdChecks({ ...run, signature: signature.slice(0, -2) + last });
    expect(tampered.slice(0, 2).map((c) => c.ok)).toEqual([false, false]);
  });
});
