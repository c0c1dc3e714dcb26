import { describe, expect, it } from 'vitest';
import { deadlineAfter, phaseDuration } from '../../machines/index.js';
import { keygenIn, keygenInput, KEYGEN_AT, kg, openKeygen } from './support/keygen.js';
import { KINDS } from './support/kinds.js';
import { expectRefused } from './support/refused.js';
import { NAMES, T0, TIMEOUTS } from './support/session.js';
import { signIn, SIGN_AT } from './support/sign.js';

describe('phase deadlines', () => {
  it('gives the invitation its own timeout and every round the round timeout', () => {
    expect(phaseDuration(TIMEOUTS, 'inviting')).toBe(TIMEOUTS.inviteMs);
    expect(phaseDuration(TIMEOUTS, 'round2')).toBe(TIMEOUTS.roundMs);
    expect(deadlineAfter(T0, 1_500)).toBe(T0 + 1_500);
  });

  it('computes every keygen deadline from the `at` of the event that opened the phase', () => {
    const timeouts = { inviteMs: 10_000, roundMs: 2_500 };
    const s = openKeygen(keygenInput({ timeouts, at: 5_000 }));
    expect(s.snapshot.context).toMatchObject({ deadline: 15_000, phaseStartedAt: 5_000 });
    s.send(kg.accept('alice', 6_000)).send(kg.accept('bob', 7_000)).send(kg.accept('carol', 8_000));
    expect(s.snapshot.context).toMatchObject({
      phase: 'round1',
      deadline: 10_500,
      phaseStartedAt: 8_000,
    });
    for (const [i, name] of NAMES.entries()) s.send(kg.round1(name, 9_000 + i));
    expect(s.snapshot.context).toMatchObject({ phase: 'round2', deadline: 11_502 });
    for (const name of NAMES) s.send(kg.round2(name, 12_000));
    expect(s.snapshot.context).toMatchObject({ phase: 'confirming', deadline: 14_500 });
    const announced = s.emitted.filter((n) => n.type === 'phase_changed').map((n) => n.payload);
    const phase = (name: string, deadline: number, phaseStartedAt: number) => ({
      sessionId: 'kg-1',
      phase: name,
      waitingFor: [...NAMES],
      deadline,
      phaseStartedAt,
    });
    expect(announced).toEqual([
      phase('inviting', 15_000, 5_000),
      phase('round1', 10_500, 8_000),
      phase('round2', 11_502, 9_002),
      phase('confirming', 14_500, 12_000),
    ]);
  });

  it('announces each signing round with its deadline and commitment round', () => {
    const s = signIn('commitments');
    expect(s.emitted.at(-1)?.payload).toEqual({
      sessionId: 'sg-1',
      phase: 'commitments',
      waitingFor: [...NAMES],
      deadline: SIGN_AT.respond + TIMEOUTS.roundMs,
      phaseStartedAt: SIGN_AT.respond,
      commitRound: 1,
    });
    expect(signIn('shares').snapshot.context.deadline).toBe(SIGN_AT.commit + TIMEOUTS.roundMs);
  });
});

describe.each(KINDS)('$kind timeouts', (k) => {
  it.each(k.phases)('times out in %s naming waitingFor, not before the deadline', (phase) => {
    const s = k.sessionIn(phase).send(k.submission(phase, 'bob', T0 + 10_000));
    const deadline = s.snapshot.context.deadline ?? 0;
    const early = expectRefused(s, { type: 'TIMEOUT', at: deadline - 1 }, 'DEADLINE_NOT_REACHED');
    expect(early).toContain(String(deadline));
    const mark = s.emitted.length;
    s.send({ type: 'TIMEOUT', at: deadline });
    expect(s.snapshot.value).toBe('timed_out');
    expect(s.snapshot.context.waitingFor).toEqual(['alice', 'carol']);
    expect(s.snapshot.context.error).toMatchObject({
      code: 'TIMEOUT',
      phase,
      waitingFor: ['alice', 'carol'],
      message: `${phase} timed out at ${deadline}, waiting for alice, carol`,
    });
    expect(s.snapshot.context).toMatchObject({ deadline: null, endedAt: deadline });
    expect(s.types(mark)).toEqual(['session_timed_out']);
    expect(s.since(mark)[0]?.payload).toMatchObject({
      state: 'timed_out',
      waitingFor: ['alice', 'carol'],
      error: { phase },
    });
  });

  it('times out an invitation nobody answered', () => {
    const s = k.open().send({ type: 'TIMEOUT', at: T0 + TIMEOUTS.inviteMs + 5 });
    expect(s.snapshot.value).toBe('timed_out');
    expect(s.snapshot.context.waitingFor).toEqual([...NAMES]);
    expect(s.snapshot.context.endedAt).toBe(T0 + TIMEOUTS.inviteMs + 5);
  });
});

describe('round deadlines', () => {
  it('start a keygen round when the invitation phase ends', () => {
    const s = keygenIn('round1');
    expect(s.snapshot.context.deadline).toBe(KEYGEN_AT.respond + TIMEOUTS.roundMs);
  });

  it('still bound a signing whose shares are all in but not yet aggregated', () => {
    const s = signIn('ready');
    const deadline = s.snapshot.context.deadline ?? 0;
    expect(deadline).toBe(SIGN_AT.commit + TIMEOUTS.roundMs);
    s.send({ type: 'TIMEOUT', at: deadline });
    expect(s.snapshot.value).toBe('timed_out');
    expect(s.snapshot.context.waitingFor).toEqual([]);
    expect(s.snapshot.context.error?.message).toBe(
      `shares timed out at ${deadline}, nobody was owed`,
    );
  });
});
