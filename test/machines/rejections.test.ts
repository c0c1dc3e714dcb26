import { describe, expect, it } from 'vitest';
import {
  explainKeygenRejection,
  explainRejection,
  REJECTION_CODES,
  type AnySessionEvent,
  type KeygenEvent,
} from '../../machines/index.js';
import { keygenIn, kg, openKeygen } from './support/keygen.js';
import { KINDS } from './support/kinds.js';
import { expectRefused } from './support/refused.js';
import { T0 } from './support/session.js';
import { openSign, sg, signIn, SIGN_AT } from './support/sign.js';

describe.each(KINDS)('$kind refusals common to every phase', (k) => {
  it.each(k.phases)('refuses a stranger, a duplicate and the next phase during %s', (phase) => {
    const s = k.sessionIn(phase);
    const message = expectRefused(s, k.submission(phase, 'mallory', 1), 'NOT_A_PARTICIPANT');
    expect(message).toBe(`mallory is not a participant of session ${k.sessionId}`);
    s.send(k.submission(phase, 'alice', 1));
    const duplicate = phase === 'inviting' ? 'ALREADY_ANSWERED' : 'ALREADY_SUBMITTED';
    expectRefused(s, k.submission(phase, 'alice', 2), duplicate);
    const next = k.phases[k.phases.indexOf(phase) + 1];
    if (next) expectRefused(s, k.submission(next, 'bob', 2), 'WRONG_PHASE');
  });
});

describe('keygen refusals', () => {
  it('names the stranger, also when accused', () => {
    expect(expectRefused(openKeygen(), kg.accept('mallory', 1), 'NOT_A_PARTICIPANT')).toBe(
      'mallory is not a participant of session kg-1',
    );
    expectRefused(keygenIn('round1'), kg.round1('mallory', 1), 'NOT_A_PARTICIPANT');
    const c = keygenIn('confirming');
    expectRefused(c, kg.complain('alice', 'mallory', 1), 'NOT_A_PARTICIPANT');
  });

  it('refuses duplicates, saying what was already given', () => {
    const s = openKeygen().send(kg.accept('alice', 1));
    expect(expectRefused(s, kg.reject('alice', 2), 'ALREADY_ANSWERED')).toContain(
      'alice already answered',
    );
    const r1 = keygenIn('round1').send(kg.round1('bob', 1));
    expect(expectRefused(r1, kg.round1('bob', 2), 'ALREADY_SUBMITTED')).toBe(
      'bob already submitted its round-1 package (session kg-1)',
    );
    const r2 = keygenIn('round2').send(kg.round2('bob', 1));
    expectRefused(r2, kg.round2('bob', 2), 'ALREADY_SUBMITTED');
    const c = keygenIn('confirming').send(kg.confirm('bob', 1));
    expectRefused(c, kg.confirm('bob', 2), 'ALREADY_SUBMITTED');
    expectRefused(c, kg.complain('bob', 'alice', 1), 'ALREADY_SUBMITTED');
  });

  it('refuses events of another phase, naming the phase that takes them', () => {
    const s = keygenIn('round1');
    expect(expectRefused(s, kg.round2('alice', 1), 'WRONG_PHASE')).toBe(
      'ROUND2 is not accepted in phase round1 of session kg-1 (only in round2)',
    );
    expectRefused(s, kg.accept('alice', 1), 'WRONG_PHASE');
    expectRefused(openKeygen(), kg.round1('alice', 1), 'WRONG_PHASE');
    expectRefused(keygenIn('round2'), kg.complain('alice', 'bob', 1), 'WRONG_PHASE');
  });

  it('refuses round-2 shares for the wrong recipients', () => {
    const s = keygenIn('round2');
    const missing = expectRefused(s, kg.round2('alice', 1, ['alice', 'bob']), 'INVALID_SUBMISSION');
    expect(missing).toBe('round-2 shares from alice: missing shares for carol');
    const extra = expectRefused(
      s,
      kg.round2('alice', 1, ['alice', 'bob', 'carol', 'mallory']),
      'INVALID_SUBMISSION',
    );
    expect(extra).toBe('round-2 shares from alice: unexpected recipients mallory');
    const self = {
      ...kg.round2('alice', 1),
      shares: { alice: 'x', bob: 'y', carol: 'z' },
    } as KeygenEvent;
    expect(expectRefused(s, self, 'INVALID_SUBMISSION')).toContain('unexpected recipients alice');
  });

  it('refuses a complaint against oneself', () => {
    expectRefused(keygenIn('confirming'), kg.complain('bob', 'bob', 1), 'INVALID_SUBMISSION');
  });

  it('refuses everything once finished', () => {
    const s = keygenIn('completed');
    expect(expectRefused(s, { type: 'ABORT', by: 'coord', at: 1 }, 'SESSION_FINISHED')).toBe(
      'session kg-1 has ended (completed)',
    );
    expectRefused(s, kg.confirm('alice', 1), 'SESSION_FINISHED');
    expectRefused(s, { type: 'TIMEOUT', at: Number.MAX_SAFE_INTEGER }, 'SESSION_FINISHED');
  });

  it('reports an event type it does not have', () => {
    const bogus = { type: 'COMMIT', participant: 'alice', at: 1 } as unknown as KeygenEvent;
    expect(explainKeygenRejection(openKeygen().snapshot, bogus)?.code).toBe('UNKNOWN_EVENT');
  });
});

describe('sign refusals', () => {
  it('refuses foreign, duplicate, wrong-phase and late events', () => {
    const s = signIn('commitments');
    expectRefused(s, sg.commit('mallory', 1, 1), 'NOT_A_PARTICIPANT');
    s.send(sg.commit('alice', 1, 1));
    expect(expectRefused(s, sg.commit('alice', 1, 1, 7), 'ALREADY_SUBMITTED')).toBe(
      'alice already submitted its nonce commitments (session sg-1)',
    );
    expectRefused(s, sg.share('alice', 1, 1), 'WRONG_PHASE');
    expectRefused(s, sg.aggregated(1), 'WRONG_PHASE');
    expectRefused(s, sg.accept('bob', 1), 'WRONG_PHASE');
    const sh = signIn('shares').send(sg.share('bob', 1, 1));
    expectRefused(sh, sg.share('bob', 1, 2), 'ALREADY_SUBMITTED');
    expectRefused(sh, sg.share('mallory', 1, 2), 'NOT_A_PARTICIPANT');
    const done = signIn('ready').send(sg.aggregated(SIGN_AT.done));
    expectRefused(done, sg.aggregated(SIGN_AT.done), 'SESSION_FINISHED');
    expectRefused(done, sg.lost('alice', SIGN_AT.done), 'SESSION_FINISHED');
  });
});

describe('explainRejection', () => {
  it('dispatches by session kind', () => {
    const keygen = openKeygen().snapshot;
    const sign = openSign().snapshot;
    const commit = {
      type: 'COMMIT',
      participant: 'alice',
      commitRound: 1,
      commitments: { hiding: '02', binding: '03' },
      at: T0,
    } satisfies AnySessionEvent;
    expect(explainRejection(keygen, commit)?.code).toBe('UNKNOWN_EVENT');
    expect(explainRejection(sign, commit)?.code).toBe('WRONG_PHASE');
    const answer = { type: 'RESPOND', participant: 'zoe', accept: true, at: T0 } as const;
    expect(explainRejection(keygen, answer)?.code).toBe('NOT_A_PARTICIPANT');
    expect(explainRejection(sign, { ...answer, participant: 'bob' })).toBeNull();
    expect(REJECTION_CODES).toContain('SESSION_FINISHED');
  });

  it.each(KINDS)('$kind: works on a persisted snapshot as on a live one', (k) => {
    const s = k.sessionIn(k.phases[1] ?? 'inviting');
    const event = k.submission(k.phases[1] ?? 'inviting', 'alice', T0);
    const stored = s.stored() as Parameters<typeof explainRejection>[0];
    expect(explainRejection(stored, event)).toEqual(explainRejection(s.snapshot, event));
    const early = { type: 'ROUND1', participant: 'alice', package: {}, at: T0 } as const;
    const fresh = k.open();
    expect(explainRejection(fresh.stored() as typeof stored, early)).toEqual(
      explainRejection(fresh.snapshot, early),
    );
  });
});
