import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  deadlineAfter,
  explainRejection,
  isTerminalState,
  keygenMachine,
  KEYGEN_PHASES,
  phaseDuration,
  REJECTION_CODES,
  signMachine,
  SIGN_PHASES,
  TERMINAL_STATES,
  type AnySessionEvent,
} from '../../machines/index.js';
import { groupKeyVerdict } from '../../protocol/frost/sessions/keygen-result.js';
import { markStatus, owing } from '../../protocol/session/participants.js';
import { keygenInput, members, signInput, T0, TIMEOUTS } from './fixtures.js';

describe('shared session pieces', () => {
  it('names phases and terminal states as the sessions table stores them', () => {
    expect(KEYGEN_PHASES).toEqual([
      'inviting',
      'round1',
      'round2',
      'confirming',
      'completed',
      'rejected',
      'failed',
      'timed_out',
      'aborted',
    ]);
    expect(SIGN_PHASES.slice(0, 3)).toEqual(['inviting', 'commitments', 'shares']);
    expect(TERMINAL_STATES.every(isTerminalState)).toBe(true);
    expect(isTerminalState('round1')).toBe(false);
  });

  it('computes deadlines from the event time and the phase', () => {
    expect(phaseDuration(TIMEOUTS, 'inviting')).toBe(TIMEOUTS.inviteMs);
    expect(phaseDuration(TIMEOUTS, 'round2')).toBe(TIMEOUTS.roundMs);
    expect(deadlineAfter(T0, 1_500)).toBe(T0 + 1_500);
  });

  it('keeps waitingFor in index order whatever the submission order', () => {
    const context = {
      participants: members(['a', 'b', 'c']),
      status: { a: 'accepted', b: 'accepted', c: 'accepted' },
    };
    const afterC = markStatus(context, 'c', 'round1', 'round1');
    expect(afterC.waitingFor).toEqual(['a', 'b']);
    expect(owing({ ...context, status: afterC.status }, 'accepted')).toEqual(['c']);
    expect(context.status.c).toBe('accepted'); // not mutated
  });

  it('dispatches explainRejection by session kind', () => {
    const keygen = createActor(keygenMachine, { input: keygenInput() }).start();
    const sign = createActor(signMachine, { input: signInput() }).start();
    const commit = {
      type: 'COMMIT',
      participant: 'alice',
      commitRound: 1,
      commitments: { hiding: '02', binding: '03' },
      at: T0,
    } satisfies AnySessionEvent;
    expect(explainRejection(keygen.getSnapshot(), commit)?.code).toBe('UNKNOWN_EVENT');
    expect(explainRejection(sign.getSnapshot(), commit)?.code).toBe('WRONG_PHASE');
    const answer = { type: 'RESPOND', participant: 'zoe', accept: true, at: T0 } as const;
    expect(explainRejection(keygen.getSnapshot(), answer)?.code).toBe('NOT_A_PARTICIPANT');
    expect(explainRejection(sign.getSnapshot(), { ...answer, participant: 'bob' })).toBeNull();
    expect(REJECTION_CODES).toContain('SESSION_FINISHED');
  });

  it('works on a persisted snapshot as well as a live one', () => {
    const actor = createActor(keygenMachine, { input: keygenInput() }).start();
    const stored = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    const event = { type: 'ROUND1', participant: 'alice', package: {}, at: T0 } as const;
    expect(explainRejection(stored, event)).toEqual(explainRejection(actor.getSnapshot(), event));
  });

  it('names the minority on a group key disagreement, everyone on a tie', () => {
    const confirm = (groupPublicKey: string) => ({
      groupPublicKey,
      verifyingShare: 'v',
      escrow: 'e',
    });
    const base = createActor(keygenMachine, { input: keygenInput() }).getSnapshot().context;
    const majority = groupKeyVerdict({
      ...base,
      confirmations: { alice: confirm('02aa'), bob: confirm('02AA'), carol: confirm('03bb') },
    });
    expect(majority).toMatchObject({ agreed: false, culprits: ['carol'] });
    const tie = groupKeyVerdict({
      ...base,
      participants: members(['alice', 'bob']),
      confirmations: { alice: confirm('02aa'), bob: confirm('03bb') },
    });
    expect(tie).toMatchObject({ agreed: false, culprits: ['alice', 'bob'] });
  });
});
