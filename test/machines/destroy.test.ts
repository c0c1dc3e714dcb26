/**
 * The destroy description run by the one session machine, pure (the acknowledgement's signature
 * check and what the end does to the key are the server's: test/sessions/key-destroy.test.ts):
 * every holder is invited, `destroying` waits for each acknowledgement, the result lists them in
 * index order, and a restart from JSON before every event changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { explainFor, sessionMachine } from '../../machines/index.js';
import type { AnySessionProtocol } from '../../protocol/session/description.js';
import { destroySession } from '../../protocol/lifecycle/destroy.js';
import type { DestroyContext } from '../../protocol/lifecycle/destroy-types.js';
import { members, NAMES, Session, T0, TIMEOUTS } from './support/session.js';

const machine = sessionMachine(destroySession);
const input = {
  sessionId: 'kd-1',
  coordinator: 'coord',
  scheme: 'frost-secp256k1' as const,
  threshold: 2,
  keyId: 'key_1',
  keygenSessionId: 'kg-1',
  epoch: 3,
  holders: members(NAMES),
  timeouts: TIMEOUTS,
  at: T0,
};
/** Explained with `code`, not taken, and nothing changed. */
function expectRefused(session: Session, event: never, code: string) {
  const before = session.stored();
  const emitted = session.emitted.length;
  const protocol = destroySession as unknown as AnySessionProtocol;
  expect(explainFor(protocol, session.snapshot, event)?.code).toBe(code);
  expect(session.snapshot.can(event)).toBe(false);
  session.send(event);
  expect(session.stored()).toEqual(before);
  expect(session.emitted.length).toBe(emitted);
}
const contextOf = (session: Session) => session.snapshot.context as unknown as DestroyContext;
const ack = (participant: string, at = T0 + 2) =>
  ({ type: 'DESTROYED', participant, signature: `sig-${participant}`, at }) as never;

describe('destroy through the session machine', () => {
  it('invites every holder with the key, its keygen and epoch', () => {
    const session = new Session(machine, input as never);
    const invites = session.emitted.filter((n) => n.type === 'destroy_invite');
    expect(invites.map((n) => n.recipient)).toEqual([...NAMES]);
    expect(invites[1]!.payload).toMatchObject({
      sessionId: 'kd-1',
      keyId: 'key_1',
      keygenSessionId: 'kg-1',
      epoch: 3,
      t: 2,
      partIndex: 2,
    });
  });

  it.each([false, true])(
    'waits for every acknowledgement, then completes with them in index order (restart: %s)',
    (restart) => {
      const session = new Session(machine, input as never);
      const step = (event: Parameters<typeof session.send>[0]) => {
        if (restart) session.restart();
        session.send(event);
      };
      expectRefused(session, ack('alice'), 'WRONG_PHASE');
      for (const participant of NAMES)
        step({ type: 'RESPOND', participant, accept: true, at: T0 + 1 } as never);
      expect(session.snapshot.value).toBe('destroying');
      expect(contextOf(session).waitingFor).toEqual([...NAMES]);
      step(ack('carol'));
      step(ack('alice'));
      expectRefused(session, ack('alice'), 'ALREADY_SUBMITTED');
      expect(contextOf(session).waitingFor).toEqual(['bob']);
      step(ack('bob'));
      expect(session.snapshot.value).toBe('completed');
      expect(contextOf(session).result).toEqual({
        keyId: 'key_1',
        epoch: 3,
        acknowledgements: NAMES.map((participant) => ({
          participant,
          signature: `sig-${participant}`,
        })),
      });
    },
  );

  it('a holder that declines rejects the session before anyone deleted anything', () => {
    const session = new Session(machine, input as never);
    session.send({ type: 'RESPOND', participant: 'alice', accept: true, at: T0 + 1 } as never);
    session.send({ type: 'RESPOND', participant: 'bob', accept: false, at: T0 + 1 } as never);
    expect(session.snapshot.value).toBe('rejected');
    expect(contextOf(session).error?.phase).toBe('inviting');
  });

  it('a deadline in destroying times the session out in that phase', () => {
    const session = new Session(machine, input as never);
    for (const participant of NAMES)
      session.send({ type: 'RESPOND', participant, accept: true, at: T0 + 1 } as never);
    session.send(ack('alice'));
    session.send({ type: 'TIMEOUT', at: T0 + 1 + TIMEOUTS.roundMs } as never);
    expect(session.snapshot.value).toBe('timed_out');
    expect(contextOf(session).error?.phase).toBe('destroying');
  });
});
