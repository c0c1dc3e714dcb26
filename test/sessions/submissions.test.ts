import { afterEach, describe, expect, it } from 'vitest';
import { dkgRound1 } from '../../protocol/frost/index.js';
import { verifySignature } from '../../protocol/frost/index.js';
import { startTestServer } from '../support/server.js';
import {
  appCode,
  clientFor,
  closeAll,
  completedKeygen,
  failure,
  participants,
  waitForState,
} from '../support/sessions.js';
import { waitFor } from '../support/signing.js';

afterEach(closeAll);

const NAMES = ['alice', 'bob', 'carol'];

describe('submissions the server refuses', () => {
  it('answers malformed, wrong-phase, duplicate and foreign submissions with typed errors and changes nothing', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [alice, , carol] = await participants(server, NAMES);
    const [dave] = await participants(server, ['dave']);
    alice!.hold('round1');
    carol!.hold('round1');
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    const sessionId = session.id;
    const before = await waitForState(coordinator, sessionId, ['round1']);
    await waitFor(
      async () => (await coordinator.session.get.query({ sessionId })).waitingFor.length === 2,
      'bob in round 1',
    );
    const steady = await coordinator.session.get.query({ sessionId });
    expect(steady.waitingFor).toEqual(['alice', 'carol']);

    const good = dkgRound1('frost-secp256k1', 1, 2, 3).package;
    const submit = (who: typeof alice, submission: unknown) =>
      who!.api.participant.submit.mutate({ sessionId, submission } as never);

    // Three commitments where t = 2: well-formed at the edge, wrong for this session.
    const tooMany = { ...good, commitments: [...good.commitments, good.commitments[0]!] };
    const wrongCount = await failure(submit(alice, { kind: 'round1', package: tooMany }));
    expect(wrongCount).toMatchObject({ code: 'BAD_REQUEST', appCode: 'INVALID_PACKAGE' });
    expect(wrongCount.message).toContain('exactly t=2');
    // Not a point at all: zod at the edge.
    const notHex = { ...good, commitments: ['zz', good.commitments[1]] };
    expect((await failure(submit(alice, { kind: 'round1', package: notHex }))).code).toBe(
      'BAD_REQUEST',
    );
    // A signing submission to a keygen session.
    expect(
      await appCode(
        submit(alice, {
          kind: 'commitments',
          commitRound: 1,
          hiding: good.commitments[0],
          binding: good.commitments[1],
        }),
      ),
    ).toBe('BAD_REQUEST');
    const signingKind = await failure(submit(alice, { kind: 'nonces_lost', commitRound: 1 }));
    expect(signingKind).toMatchObject({
      appCode: 'BAD_REQUEST',
      message:
        'keygen sessions take round1, round2, complaint and confirm submissions, not nonces_lost',
    });
    expect(
      await appCode(submit(alice, { kind: 'round2', shares: { bob: 'ab', carol: 'cd' } })),
    ).toBe('WRONG_PHASE');
    expect(await appCode(alice!.api.participant.respond.mutate({ sessionId, accept: true }))).toBe(
      'WRONG_PHASE',
    );
    // Not named: the session does not exist for dave.
    const foreign = await failure(submit(dave, { kind: 'round1', package: good }));
    expect(foreign).toMatchObject({ code: 'NOT_FOUND', message: `session ${sessionId} not found` });
    // Nothing changed.
    expect(await coordinator.session.get.query({ sessionId })).toEqual(steady);
    expect(before.state).toBe('round1');

    alice!.release('round1');
    await waitFor(
      async () => (await coordinator.session.get.query({ sessionId })).waitingFor.length === 1,
      'alice in round 1',
    );
    expect(await appCode(submit(alice, { kind: 'round1', package: good }))).toBe(
      'ALREADY_SUBMITTED',
    );
    carol!.release('round1');
    expect((await waitForState(coordinator, sessionId)).state).toBe('completed');
    expect(await appCode(submit(alice, { kind: 'round1', package: good }))).toBe(
      'SESSION_FINISHED',
    );
  });

  it('refuses round-2 shares for the wrong recipients or of the wrong size, and a malformed escrow', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [alice, bob, carol] = await participants(server, NAMES);
    bob!.hold('round2');
    carol!.hold('confirm');
    alice!.hold('confirm');
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    const sessionId = session.id;
    await waitForState(coordinator, sessionId, ['round2']);
    const submit = (submission: unknown) =>
      bob!.api.participant.submit.mutate({ sessionId, submission } as never);
    const share = 'ab'.repeat(72);
    const missing = await failure(submit({ kind: 'round2', shares: { alice: share } }));
    expect(missing).toMatchObject({ appCode: 'INVALID_PACKAGE' });
    expect(missing.message).toContain('missing shares for carol');
    const short = await failure(
      submit({ kind: 'round2', shares: { alice: share, carol: 'ab'.repeat(71) } }),
    );
    expect(short).toMatchObject({ appCode: 'INVALID_PACKAGE' });
    expect(short.message).toContain('bob to carol');
    bob!.release('round2');
    await waitForState(coordinator, sessionId, ['confirming']);
    const view = await coordinator.session.get.query({ sessionId });
    const confirm = {
      kind: 'confirm',
      groupPublicKey: view.participants[0]!.identityKey,
      verifyingShare: view.participants[1]!.identityKey,
      escrow: 'ab'.repeat(10),
    };
    const escrow = await failure(
      carol!.api.participant.submit.mutate({ sessionId, submission: confirm } as never),
    );
    expect(escrow).toMatchObject({ appCode: 'INVALID_PACKAGE' });
    expect(escrow.message).toContain('escrow blob of carol');
    expect(await coordinator.session.get.query({ sessionId })).toEqual(view);
    alice!.release('confirm');
    carol!.release('confirm');
    expect((await waitForState(coordinator, sessionId)).state).toBe('completed');
  });

  it('refuses a second answer to the same invitation', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [alice] = await participants(server, NAMES, { carol: { silent: true } });
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    await waitFor(
      async () =>
        (await coordinator.session.get.query({ sessionId: session.id })).waitingFor.length === 1,
      'two answers',
    );
    expect(
      await appCode(
        alice!.api.participant.respond.mutate({ sessionId: session.id, accept: false }),
      ),
    ).toBe('ALREADY_ANSWERED');
    expect((await coordinator.session.get.query({ sessionId: session.id })).state).toBe('inviting');
  });

  it('fails a keygen naming a participant whose confirmation the commitments do not imply', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    await participants(server, NAMES, { bob: { badConfirmation: true } });
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    const ended = await waitForState(coordinator, session.id);
    expect(ended).toMatchObject({ state: 'failed', phase: 'confirming' });
    expect(ended.error).toMatchObject({ code: 'CONFIRMATION_MISMATCH', culprits: ['bob'] });
  });
});

describe('single-use nonces', () => {
  it('refuses a replayed nonce commitment (NONCE_REUSED), across sessions', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [alice] = await participants(server, NAMES);
    const keygen = await completedKeygen(coordinator, { threshold: 2, participants: NAMES });
    const keyId = keygen.result!['keyId'] as string;
    const first = await coordinator.sign.create.mutate({
      keyId,
      message: '01',
      participants: ['alice', 'bob'],
    });
    expect((await waitForState(coordinator, first.session.id)).state).toBe('completed');

    alice!.misbehave({ replayCommitments: true });
    const second = await coordinator.sign.create.mutate({
      keyId,
      message: '02',
      participants: ['alice', 'bob'],
    });
    await waitFor(() => alice!.refusals.length > 0, 'alice refused');
    expect(alice!.refusals[0]).toMatchObject({
      sessionId: second.session.id,
      what: 'commitments',
      code: 'NONCE_REUSED',
    });
    const view = await coordinator.session.get.query({ sessionId: second.session.id });
    expect(view).toMatchObject({ state: 'commitments', waitingFor: ['alice'] });
    const stale = await failure(
      alice!.api.participant.submit.mutate({
        sessionId: second.session.id,
        submission: {
          kind: 'commitments',
          commitRound: 2,
          hiding: keygen.participants[0]!.identityKey,
          binding: keygen.participants[1]!.identityKey,
        },
      }),
    );
    expect(stale.appCode).toBe('STALE_ROUND');
    const notCommitted = await appCode(
      alice!.api.participant.submit.mutate({
        sessionId: second.session.id,
        submission: { kind: 'nonces_lost', commitRound: 1 },
      }),
    );
    expect(notCommitted).toBe('NOT_COMMITTED');
  });

  it('refuses one commitment sent to two sessions at once (one group commit) the second time', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [alice] = await participants(server, NAMES);
    const keygen = await completedKeygen(coordinator, { threshold: 2, participants: NAMES });
    const keyId = keygen.result!['keyId'] as string;
    alice!.hold('commit');
    const request = { keyId, participants: ['alice', 'bob'] };
    const ids = await Promise.all(
      ['01', '02'].map(async (message) => {
        const { session } = await coordinator.sign.create.mutate({ ...request, message });
        return session.id;
      }),
    );
    await waitFor(async () => {
      const views = await Promise.all(
        ids.map((sessionId) => coordinator.session.get.query({ sessionId })),
      );
      return views.every((v) => v.state === 'commitments' && v.waitingFor.join() === 'alice');
    }, 'both sessions waiting for alice');
    // Both submissions are read in one turn, so neither sees the other's row when checked.
    const commitments = {
      kind: 'commitments' as const,
      commitRound: 1,
      hiding: keygen.participants[0]!.identityKey,
      binding: keygen.participants[1]!.identityKey,
    };
    const outcomes = await Promise.allSettled(
      ids.map((sessionId) =>
        alice!.api.participant.submit.mutate({ sessionId, submission: commitments }),
      ),
    );
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected')!;
    expect(await appCode(Promise.reject(refused.reason))).toBe('NONCE_REUSED');
  });

  it('restarts the commitment round when a signer lost its nonces, and completes with fresh ones', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [alice, bob] = await participants(server, NAMES);
    const keygen = await completedKeygen(coordinator, {
      threshold: 2,
      participants: NAMES,
      scheme: 'frost-secp256k1-tr',
    });
    const keyId = keygen.result!['keyId'] as string;
    bob!.misbehave({ loseNoncesOnce: true });
    const { session } = await coordinator.sign.create.mutate({
      keyId,
      message: 'cafe',
      participants: ['alice', 'bob'],
    });
    const done = await waitForState(coordinator, session.id);
    expect(done.state, JSON.stringify(done.error)).toBe('completed');
    expect(done.commitRound).toBe(2);
    const restarted = alice!.received.find((e) => e.type === 'commit_round_restarted');
    expect(restarted?.payload).toMatchObject({ participant: 'bob', commitRound: 2 });
    const key = await coordinator.key.get.query({ keyId });
    expect(
      verifySignature(
        'frost-secp256k1-tr',
        key.groupPublicKey,
        'cafe',
        done.result!['signature'] as string,
      ),
    ).toBe(true);
  });
});
