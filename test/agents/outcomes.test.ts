import { afterEach, describe, expect, it } from 'vitest';
import {
  followSession,
  SessionEndedError,
  startKeygen,
  startSign,
  type SessionProgress,
} from '../../client/coordinator/index.js';
import { startTestServer } from '../support/server.js';
import { AgentPool, completedKeygen, hexOf, waitFor } from './support.js';

let pool: AgentPool | undefined;
afterEach(async () => {
  await pool?.cleanup();
  pool = undefined;
});

/** Follows to the end and returns the SessionEndedError and every event the coordinator saw. */
async function endedWith(promise: (onProgress: (p: SessionProgress) => void) => Promise<unknown>) {
  const seen: string[] = [];
  const err = await promise((p) => p.event && seen.push(p.event.type)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SessionEndedError);
  return { err: err as SessionEndedError, seen };
}

describe('sessions that do not complete', { timeout: 120_000 }, () => {
  it('a refusal ends the keygen rejected, naming who and why, announced to everyone', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const reason = 'dave does not hold keys for carol';
    await pool.agentsNamed(['alice', 'bob']);
    await pool.agent('dave', { approve: () => ({ accept: false, reason }) });
    const coordinator = await pool.client('carol', 'coordinator');
    const { session } = await startKeygen(coordinator, {
      threshold: 2,
      participants: ['alice', 'bob', 'dave'],
    });

    const { err, seen } = await endedWith((onProgress) =>
      followSession(coordinator, session.id, onProgress),
    );
    expect(err.code).toBe('SESSION_REJECTED');
    expect(err.error).toMatchObject({ code: 'REJECTED', culprits: ['dave'] });
    expect(err.message).toContain(reason);
    expect(seen).toContain('session_rejected');
    for (const agent of pool.agents) {
      await waitFor(
        () =>
          agent.events.some(
            (e) =>
              e.type === 'session_ended' && e.sessionId === session.id && e.state === 'rejected',
          ),
        `${agent.name} hears of the rejection`,
      );
    }
    expect(pool.agents.find((a) => a.name === 'dave')!.events).toContainEqual({
      type: 'answered',
      sessionId: session.id,
      accept: false,
      reason,
    });
  });

  it('a stopped participant makes the sign session time out, naming whom it waited for', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const [alice, , dave] = await pool.agentsNamed(['alice', 'bob', 'dave']);
    const coordinator = await pool.client('carol', 'coordinator');
    const { keyId } = await completedKeygen(coordinator, ['alice', 'bob', 'dave'], 2);
    await dave!.stop();

    const { session } = await startSign(coordinator, {
      keyId,
      message: hexOf('nobody home'),
      participants: ['alice', 'dave'],
      timeouts: { inviteMs: 2000, roundMs: 2000 },
    });
    const { err, seen } = await endedWith((onProgress) =>
      followSession(coordinator, session.id, onProgress),
    );
    expect(err.code).toBe('SESSION_TIMED_OUT');
    expect(err.error).toMatchObject({ code: 'TIMEOUT', phase: 'inviting' });
    // dave is owed; so is alice if a loaded machine kept her from answering in time (no timing asserted).
    const unanswered = err.session.participants
      .filter((p) => p.status === 'invited')
      .map((p) => p.name);
    expect(err.waitingFor).toContain('dave');
    expect(err.waitingFor).toEqual(unanswered);
    expect(err.error?.waitingFor).toEqual(unanswered);
    expect(seen).toContain('session_timed_out');
    // (pool.agents is in the order the agents became ready: alice is not always first.)
    await waitFor(
      () =>
        alice!.events.some(
          (e) =>
            e.type === 'session_ended' && e.sessionId === session.id && e.state === 'timed_out',
        ),
      'alice hears of the timeout',
    );
  });

  it('an abort by the coordinator ends the session for everyone', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    let release: () => void = () => {};
    const held = new Promise<boolean>((resolve) => (release = () => resolve(true)));
    await pool.agentsNamed(['alice', 'bob']);
    await pool.agent('dave', { approve: () => held });
    const coordinator = await pool.client('carol', 'coordinator');
    const { session } = await startKeygen(coordinator, {
      threshold: 2,
      participants: ['alice', 'bob', 'dave'],
    });
    const following = endedWith((onProgress) => followSession(coordinator, session.id, onProgress));
    await waitFor(
      async () =>
        (await coordinator.session.get.query({ sessionId: session.id })).waitingFor.join() ===
        'dave',
      'dave is the last to answer',
    );
    await coordinator.session.abort.mutate({ sessionId: session.id, reason: 'changed my mind' });
    const { err } = await following;
    release();
    expect(err.code).toBe('SESSION_ABORTED');
    expect(err.error).toMatchObject({ code: 'ABORTED', by: 'carol' });
    for (const agent of pool.agents) {
      await waitFor(
        () =>
          agent.events.some(
            (e) =>
              e.type === 'session_ended' && e.sessionId === session.id && e.state === 'aborted',
          ),
        `${agent.name} hears of the abort`,
      );
    }
  });
});
