import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_COMMIT_RESTARTS, type SignEvent } from '../../machines/index.js';
import { expectRefused } from './support/refused.js';
import { NAMES, TIMEOUTS } from './support/session.js';
import { nonceHex, openSign, sg, signIn, signInput, SIGN_AT } from './support/sign.js';

describe('lost nonces restart the commitment round', () => {
  it('restarts with fresh nonces and never takes a commitment twice', () => {
    const s = signIn('commitments');
    s.send(sg.commit('alice', 1, SIGN_AT.commit)).send(sg.commit('bob', 1, SIGN_AT.commit));
    const mark = s.emitted.length;
    s.send(sg.lost('bob', SIGN_AT.commit + 500));
    expect(s.snapshot.value).toBe('commitments');
    expect(s.snapshot.context).toMatchObject({
      commitRound: 2,
      commitments: {},
      shares: {},
      status: { alice: 'accepted', bob: 'accepted', carol: 'accepted' },
      waitingFor: [...NAMES],
      deadline: SIGN_AT.commit + 500 + TIMEOUTS.roundMs,
      phaseStartedAt: SIGN_AT.commit + 500,
    });
    expect(s.types(mark)).toEqual(['commit_round_restarted', 'phase_changed']);
    expect(s.since(mark)[0]?.payload).toEqual({
      sessionId: 'sg-1',
      participant: 'bob',
      commitRound: 2,
      restartsLeft: DEFAULT_MAX_COMMIT_RESTARTS - 1,
    });
    expect(s.since(mark)[1]?.payload).toMatchObject({ phase: 'commitments', commitRound: 2 });

    expect(expectRefused(s, sg.commit('carol', 1, SIGN_AT.commit), 'STALE_ROUND')).toBe(
      'COMMIT from carol is for commitment round 1; session sg-1 is in round 2',
    );
    // Round-1 nonces relabelled as round 2: refused.
    expectRefused(s, sg.commit('alice', 2, SIGN_AT.commit, 1), 'COMMITMENT_REUSED');
    s.send(sg.commit('alice', 2, SIGN_AT.commit));
    // Someone else's commitment of this round: refused as well.
    const copy = {
      ...sg.commit('carol', 2, SIGN_AT.commit),
      commitments: { hiding: nonceHex('h', 'alice', 2), binding: nonceHex('b', 'carol', 2) },
    } as SignEvent;
    expectRefused(s, copy, 'COMMITMENT_REUSED');
    s.send(sg.commit('bob', 2, SIGN_AT.commit)).send(sg.commit('carol', 2, SIGN_AT.commit));
    expect(s.snapshot.value).toBe('shares');
    const pkg = s.emitted.find((n) => n.type === 'signing_package')?.payload as {
      commitRound: number;
    };
    expect(pkg.commitRound).toBe(2);
  });

  it('goes back from shares to a fresh commitment round and refuses stale shares', () => {
    const s = signIn('shares');
    s.send(sg.share('alice', 1, SIGN_AT.share));
    s.send(sg.lost('carol', SIGN_AT.share + 1));
    expect(s.snapshot.value).toBe('commitments');
    expect(s.snapshot.context).toMatchObject({ commitRound: 2, shares: {}, commitments: {} });
    expect(s.snapshot.context.spentCommitments).toHaveLength(6);
    expectRefused(s, sg.share('bob', 1, SIGN_AT.share), 'WRONG_PHASE');
    for (const n of NAMES) s.send(sg.commit(n, 2, SIGN_AT.commit));
    expectRefused(s, sg.share('bob', 1, SIGN_AT.share), 'STALE_ROUND');
    s.send(sg.share('bob', 2, SIGN_AT.share));
    expect(s.snapshot.context.shares).toEqual({ bob: 'share-bob-2' });
  });

  it('explains a NONCES_LOST that needs no restart', () => {
    const s = signIn('commitments');
    expect(expectRefused(s, sg.lost('alice', 1), 'NOT_COMMITTED')).toContain('can simply commit');
    const sh = signIn('shares').send(sg.share('alice', 1, SIGN_AT.share));
    expectRefused(sh, sg.lost('alice', 1), 'ALREADY_SUBMITTED');
    expectRefused(sh, sg.lost('mallory', 1), 'NOT_A_PARTICIPANT');
    expectRefused(openSign(), sg.lost('alice', 1), 'WRONG_PHASE');
  });

  it('refuses a late NONCES_LOST about an earlier round instead of restarting again', () => {
    const s = signIn('commitments');
    s.send(sg.commit('alice', 1, 1)).send(sg.lost('alice', 2, 1));
    expect(s.snapshot.context.commitRound).toBe(2);
    s.send(sg.commit('alice', 2, 3));
    expect(expectRefused(s, sg.lost('alice', 4, 1), 'STALE_ROUND')).toBe(
      'NONCES_LOST from alice is for commitment round 1; session sg-1 is in round 2',
    );
    s.send(sg.lost('alice', 5, 2));
    expect(s.snapshot.context.commitRound).toBe(3);
  });
});

describe('the restart limit', () => {
  it('fails after the bounded number of restarts, naming who lost its nonces', () => {
    const s = signIn('commitments');
    for (let round = 1; round <= DEFAULT_MAX_COMMIT_RESTARTS; round++) {
      s.send(sg.commit('alice', round, SIGN_AT.commit + round));
      s.send(sg.lost('alice', SIGN_AT.commit + round));
      expect(s.snapshot.value).toBe('commitments');
    }
    expect(s.snapshot.context.commitRound).toBe(DEFAULT_MAX_COMMIT_RESTARTS + 1);
    expect(s.emitted.at(-2)?.payload).toMatchObject({ restartsLeft: 0 });
    s.send(sg.commit('bob', DEFAULT_MAX_COMMIT_RESTARTS + 1, SIGN_AT.commit));
    s.send(sg.lost('bob', SIGN_AT.commit + 100));
    expect(s.snapshot.value).toBe('failed');
    expect(s.snapshot.context.error).toEqual({
      code: 'NONCES_LOST',
      message:
        'commitments failed: bob lost its nonces after the commitment round was restarted ' +
        '3 times (limit 3) (culprits: bob)',
      phase: 'commitments',
      culprits: ['bob'],
    });
    expect(s.emitted.at(-1)?.type).toBe('session_failed');
  });

  it('honours a custom limit, including none', () => {
    const s = openSign(signInput({ maxCommitRestarts: 0 }));
    for (const n of NAMES) s.send(sg.accept(n, 1));
    s.send(sg.commit('alice', 1, 2)).send(sg.lost('alice', 3));
    expect(s.snapshot.value).toBe('failed');
    expect(s.snapshot.context.error?.code).toBe('NONCES_LOST');
  });
});
