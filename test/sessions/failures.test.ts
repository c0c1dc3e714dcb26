import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  participants,
  waitForState,
  watchSession,
} from '../support/sessions.js';
import { waitFor } from '../support/signing.js';
import type { ScriptedParticipant } from '../support/scripted-participant.js';

afterEach(closeAll);

const NAMES = ['alice', 'bob', 'carol'];

/** Every participant (and the coordinator's watch) heard the terminal announcement. */
async function announcedToAll(
  members: ScriptedParticipant[],
  watched: { events: Array<{ type: string }> },
  type: string,
) {
  for (const p of members) {
    await waitFor(() => p.received.some((e) => e.type === type), `${p.name} hears ${type}`);
  }
  await waitFor(() => watched.events.some((e) => e.type === type), `coordinator hears ${type}`);
}

describe('sessions that do not complete', () => {
  it('ends rejected, naming who refused and why, announced to everyone', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const members = await participants(server, NAMES, { bob: { reject: 'not today' } });
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    const watched = watchSession(coordinator, session.id);
    const ended = await waitForState(coordinator, session.id);
    expect(ended.state).toBe('rejected');
    expect(ended.error).toMatchObject({ code: 'REJECTED', culprits: ['bob'], phase: 'inviting' });
    expect(ended.error!.message).toContain('bob rejected the invitation: not today');
    await announcedToAll(members, watched, 'session_rejected');
    const announced = members[0]!.received.find((e) => e.type === 'session_rejected')!;
    expect(announced.payload).toMatchObject({ state: 'rejected', error: { culprits: ['bob'] } });
  });

  it('times out with waitingFor naming the silent participant', async () => {
    await using server = await startTestServer({ minSessionTimeoutMs: 50 });
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const members = await participants(server, NAMES, { carol: { silent: true } });
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
      timeouts: { inviteMs: 6_000 }, // ample for alice and bob on a loaded machine
    });
    const watched = watchSession(coordinator, session.id);
    const ended = await waitForState(coordinator, session.id);
    expect(ended.state).toBe('timed_out');
    expect(ended.waitingFor).toEqual(['carol']);
    expect(ended.error).toMatchObject({
      code: 'TIMEOUT',
      phase: 'inviting',
      waitingFor: ['carol'],
    });
    await announcedToAll(members, watched, 'session_timed_out');
  });

  it('times out in a protocol round too (held participant)', async () => {
    await using server = await startTestServer({ minSessionTimeoutMs: 50 });
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [, bob] = await participants(server, NAMES);
    bob!.hold('round2');
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
      timeouts: { roundMs: 6_000 }, // round 1 must complete in time: ample on a loaded machine
    });
    const ended = await waitForState(coordinator, session.id);
    bob!.release('round2');
    expect(ended).toMatchObject({ state: 'timed_out', phase: 'round2', waitingFor: ['bob'] });
  });

  it('is aborted by its coordinator, announced to everyone', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const members = await participants(server, NAMES, { carol: { silent: true } });
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    const watched = watchSession(coordinator, session.id);
    await waitForState(coordinator, session.id, ['inviting']);
    const aborted = await coordinator.session.abort.mutate({
      sessionId: session.id,
      reason: 'wrong set',
    });
    expect(aborted).toMatchObject({ state: 'aborted', deadline: null, waitingFor: [] });
    expect(aborted.error).toMatchObject({ code: 'ABORTED', by: 'coord' });
    expect(aborted.error!.message).toContain('wrong set');
    await announcedToAll(members, watched, 'session_aborted');
  });

  it('fails naming the sender of an invalid proof of knowledge', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const members = await participants(server, NAMES, { carol: { badProof: true } });
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    const watched = watchSession(coordinator, session.id);
    const ended = await waitForState(coordinator, session.id);
    expect(ended.state).toBe('failed');
    expect(ended.error).toMatchObject({
      code: 'INVALID_PROOF',
      phase: 'round1',
      culprits: ['carol'],
    });
    await announcedToAll(members, watched, 'session_failed');
  });

  it('fails on a complaint about an invalid encrypted share, naming accuser and accused', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    await participants(server, NAMES, { alice: { badShareFor: 'bob' } });
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    const ended = await waitForState(coordinator, session.id);
    expect(ended.state).toBe('failed');
    expect(ended.error).toMatchObject({
      code: 'COMPLAINT',
      phase: 'confirming',
      accused: 'alice',
      accuser: 'bob',
    });
    expect(ended.error!.culprits).toContain('alice');
    expect(await coordinator.key.list.query()).toEqual([]);
  });

  it('fails a signing naming the participant whose signature share is invalid', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const members = await participants(server, NAMES);
    const keygen = await completedKeygen(coordinator, { threshold: 2, participants: NAMES });
    const keyId = keygen.result!['keyId'] as string;
    members[1]!.misbehave({ badSignatureShare: true }); // bob turns bad after the keygen
    const { session } = await coordinator.sign.create.mutate({
      keyId,
      message: '00',
      participants: ['alice', 'bob'],
    });
    const ended = await waitForState(coordinator, session.id);
    expect(ended.state).toBe('failed');
    expect(ended.error).toMatchObject({
      code: 'INVALID_SIGNATURE_SHARE',
      phase: 'shares',
      culprits: ['bob'],
    });
    expect(ended.result).toBeNull();
  });
});
