/**
 * A malicious participant in every ciphersuite, through the real server: a bad proof of
 * knowledge, a share that fails VSS, a bad signature share — each fails the session naming the
 * culprit — and elements or scalars of another suite, refused with a typed error that changes
 * nothing. One parameterised suite of tests: the checks are the suite's, the paths are shared.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  SCHEMES,
  commit,
  dkgRound1,
  schemeInfo,
  suiteSchemas,
  type Scheme,
} from '../../protocol/frost/index.js';
import { startTestServer } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  participants,
  pinned,
  waitForState,
} from '../support/sessions.js';
import { expectRefusedWithoutChange, submitAs } from './support/abuse-sessions.js';

afterEach(closeAll);

const NAMES = ['alice', 'bob', 'carol'];

/** Another suite whose encodings look alike where one exists (same sizes), else any other. */
const LOOKALIKE: Record<Scheme, Scheme> = {
  'frost-secp256k1': 'frost-p256',
  'frost-secp256k1-tr': 'frost-p256',
  'frost-ed25519': 'frost-ristretto255',
  'frost-ed448': 'frost-ed25519',
  'frost-p256': 'frost-secp256k1',
  'frost-ristretto255': 'frost-ed25519',
};

/** A round-1 package of `other` that is not also a valid package of `scheme` (rarely, one is). */
function foreignRound1(scheme: Scheme, other: Scheme) {
  for (;;) {
    const { package: pkg } = dkgRound1(other, 2, 2, 3);
    if (!suiteSchemas(scheme).round1Package(2).safeParse(pkg).success) return pkg;
  }
}

function foreignCommitments(scheme: Scheme, other: Scheme) {
  const share = () => dkgRound1(other, 1, 2, 3).secretState.coefficients[0]!;
  for (;;) {
    const { commitments } = commit(other, share());
    if (!suiteSchemas(scheme).nonceCommitments.safeParse(commitments).success) return commitments;
  }
}

describe.each(SCHEMES)('a malicious participant in %s', { timeout: 120_000 }, (scheme) => {
  it('a bad proof of knowledge fails the keygen naming the prover', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    await participants(server, NAMES, { carol: { badProof: true } });
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
      scheme,
    });
    const ended = await waitForState(coordinator, session.id);
    expect(ended.error).toMatchObject({ code: 'INVALID_PROOF', culprits: ['carol'] });
  });

  it('a share that fails VSS is complained about and names its dealer', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    await participants(server, NAMES, { alice: { badShareFor: 'bob' } });
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
      scheme,
    });
    const ended = await waitForState(coordinator, session.id);
    expect(ended.state).toBe('failed');
    expect(ended.error).toMatchObject({ code: 'COMPLAINT', accused: 'alice', accuser: 'bob' });
    expect(await coordinator.key.list.query()).toEqual([]);
  });

  it('a bad signature share fails the signing naming its signer', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const members = await participants(server, NAMES);
    const key = await completedKeygen(coordinator, { threshold: 2, participants: NAMES, scheme });
    members[1]!.misbehave({ badSignatureShare: true });
    const { session } = await coordinator.sign.create.mutate({
      keyId: key.result!['keyId'] as string,
      message: '00',
      participants: ['alice', 'bob'],
    });
    const ended = await waitForState(coordinator, session.id);
    expect(ended.error).toMatchObject({ code: 'INVALID_SIGNATURE_SHARE', culprits: ['bob'] });
  });

  it('elements and scalars of another suite are refused, changing nothing', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const members = await participants(server, NAMES);
    const [alice, bob] = members;
    const other = LOOKALIKE[scheme];
    const refused = 'INVALID_PACKAGE';

    bob!.hold('round1');
    const keygen = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
      scheme,
    });
    await pinned(coordinator, keygen.session.id, 'round1', ['bob']);
    const r1 = (pkg: unknown) => () =>
      submitAs(bob!, keygen.session.id, { kind: 'round1', package: pkg });
    await expectRefusedWithoutChange(server, coordinator, keygen.session.id, [
      {
        what: `a ${other} round-1 package`,
        call: r1(foreignRound1(scheme, other)),
        appCode: refused,
      },
    ]);
    bob!.release('round1');
    const key = await waitForState(coordinator, keygen.session.id);
    expect(key.state).toBe('completed');

    alice!.hold('commit');
    const sign = await coordinator.sign.create.mutate({
      keyId: key.result!['keyId'] as string,
      message: 'beef',
      participants: ['alice', 'bob'],
    });
    await pinned(coordinator, sign.session.id, 'commitments', ['alice']);
    const { scalarBytes } = schemeInfo(scheme);
    await expectRefusedWithoutChange(server, coordinator, sign.session.id, [
      {
        what: `${other} nonce commitments`,
        call: () =>
          submitAs(alice!, sign.session.id, {
            kind: 'commitments',
            commitRound: 1,
            ...foreignCommitments(scheme, other),
          }),
        appCode: refused,
      },
    ]);
    alice!.release('commit');
    bob!.hold('share');
    await pinned(coordinator, sign.session.id, 'shares', ['bob']);
    await expectRefusedWithoutChange(server, coordinator, sign.session.id, [
      {
        what: 'a share not below the order',
        call: () =>
          submitAs(bob!, sign.session.id, {
            kind: 'share',
            commitRound: 1,
            share: 'ff'.repeat(scalarBytes),
          }),
        appCode: refused,
      },
    ]);
    bob!.release('share');
    expect((await waitForState(coordinator, sign.session.id)).state).toBe('completed');
  });
});
