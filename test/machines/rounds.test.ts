import { describe, expect, it } from 'vitest';
import { GROUP_KEY, keygenIn, KEYGEN_AT, kg } from './support/keygen.js';
import { KINDS } from './support/kinds.js';
import { expectRefused } from './support/refused.js';
import { NAMES, T0 } from './support/session.js';
import { sg, SIGNATURE, signIn, SIGN_AT } from './support/sign.js';

describe.each(KINDS)('$kind rounds', (k) => {
  it.each(k.phases)('keeps waitingFor in index order during %s', (phase) => {
    const s = k.sessionIn(phase);
    const before = s.snapshot;
    const carolBefore = before.context.status.carol;
    s.send(k.submission(phase, 'carol', T0 + 10_000));
    expect(s.snapshot.context.waitingFor).toEqual(['alice', 'bob']);
    expect(before.context.status.carol).toBe(carolBefore); // snapshots are never mutated
    expect(before.context.waitingFor).toEqual(NAMES);
    s.send(k.submission(phase, 'alice', T0 + 10_001));
    expect(s.snapshot.context.waitingFor).toEqual(['bob']);
    const told = phase === 'inviting' ? 'participant_answered' : 'submitted';
    expect(s.emitted.at(-1)?.type).toBe(told);
  });

  it('moves through its phases in order, each announced once', () => {
    const s = k.sessionIn(k.phases.at(-1) ?? 'inviting');
    const announced = s.emitted.filter((n) => n.type === 'phase_changed');
    expect(announced.map((n) => (n.payload as { phase: string }).phase)).toEqual(k.phases);
  });
});

describe('keygen completion', () => {
  it('completes once everyone confirms the same group key', () => {
    const s = keygenIn('confirming');
    const mark = s.emitted.length;
    for (const name of NAMES) s.send(kg.confirm(name, KEYGEN_AT.confirm));
    expect(s.snapshot.value).toBe('completed');
    expect(s.snapshot.status).toBe('done');
    expect(s.types(mark)).toEqual(['submitted', 'submitted', 'submitted', 'session_completed']);
    const context = s.snapshot.context;
    expect(context.result).toEqual({
      groupPublicKey: GROUP_KEY,
      verifyingShares: { alice: 'vs-alice', bob: 'vs-bob', carol: 'vs-carol' },
      escrows: { alice: 'escrow-alice', bob: 'escrow-bob', carol: 'escrow-carol' },
    });
    expect(context.waitingFor).toEqual([]);
    expect(context.deadline).toBeNull();
    expect(context.endedAt).toBe(KEYGEN_AT.confirm);
    expect(context.error).toBeNull();
    expect(Object.values(context.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    // The announcement carries the public result only: no escrows.
    expect(s.emitted.at(-1)?.payload).toEqual({
      sessionId: 'kg-1',
      state: 'completed',
      result: { groupPublicKey: GROUP_KEY, verifyingShares: context.result?.verifyingShares },
    });
  });
});

describe('sign completion', () => {
  it('waits for every share, then completes on AGGREGATED', () => {
    const s = signIn('shares');
    const mark = s.emitted.length;
    s.send(sg.share('alice', 1, SIGN_AT.share)).send(sg.share('bob', 1, SIGN_AT.share));
    expect(expectRefused(s, sg.aggregated(SIGN_AT.share), 'NOT_READY')).toBeTruthy();
    s.send(sg.share('carol', 1, SIGN_AT.share));
    expect(s.snapshot.value).toBe('shares');
    expect(s.snapshot.context.waitingFor).toEqual([]);
    expect(s.snapshot.context.shares).toEqual({
      alice: 'share-alice-1',
      bob: 'share-bob-1',
      carol: 'share-carol-1',
    });
    s.send(sg.aggregated(SIGN_AT.done));
    expect(s.snapshot.value).toBe('completed');
    expect(s.snapshot.status).toBe('done');
    expect(s.types(mark)).toEqual(['submitted', 'submitted', 'submitted', 'session_completed']);
    expect(s.emitted.at(-1)?.payload).toEqual({
      sessionId: 'sg-1',
      state: 'completed',
      result: { signature: SIGNATURE },
    });
    expect(s.snapshot.context).toMatchObject({
      result: { signature: SIGNATURE },
      waitingFor: [],
      deadline: null,
      endedAt: SIGN_AT.done,
      error: null,
    });
  });
});
