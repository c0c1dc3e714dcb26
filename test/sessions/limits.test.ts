// The pure pieces of the session limits: the running-session count and its caps, and the
// registration challenges kept per principal (a clock handed in).
import { describe, expect, it } from 'vitest';
import { AppError } from '../../protocol/errors.js';
import { CHALLENGE_TTL_MS, ChallengeStore } from '../../server/sessions/challenges.js';
import { RunningSessions } from '../../server/sessions/running.js';

function refusal(fn: () => void): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('RunningSessions', () => {
  it('counts per coordinator and in total, frees a slot when a session ends', () => {
    const running = new RunningSessions();
    const limits = { total: 3, perCoordinator: 2 };
    running.add('a1', 'a');
    running.add('a1', 'a'); // the same session twice counts once
    running.add('a2', 'a');
    expect(refusal(() => running.admit('a', limits))).toMatchObject({
      code: 'TOO_MANY_SESSIONS',
      details: { limit: 2, running: 2, scope: 'coordinator' },
    });
    running.admit('b', limits);
    running.add('b1', 'b');
    expect(refusal(() => running.admit('b', limits)).details).toEqual({
      limit: 3,
      running: 3,
      scope: 'server',
    });
    running.delete('a1');
    running.delete('a1');
    expect([running.size, running.of('a'), running.of('b')]).toEqual([2, 1, 1]);
    running.admit('a', limits);
    running.admit('b', limits);
  });
});

describe('ChallengeStore', () => {
  it("drops a principal's own oldest challenge beyond its cap, never another's", () => {
    let now = 1_000;
    const store = new ChallengeStore(() => now, { perPrincipal: 3, total: 100 });
    const other = store.issue('other').challenge;
    const mine = Array.from({ length: 50 }, () => store.issue('flooder').challenge);
    expect(store.size).toBe(4);
    expect(store.consume(mine[46]!, 'flooder')).toBe(false);
    expect(store.consume(mine[49]!, 'flooder')).toBe(true);
    expect(store.consume(mine[49]!, 'flooder')).toBe(false); // single use
    // Someone else's challenge neither works nor is spent by the attempt.
    expect(store.consume(other, 'flooder')).toBe(false);
    expect(store.consume(other, 'other')).toBe(true);
    now += CHALLENGE_TTL_MS;
    expect(store.consume(mine[48]!, 'flooder')).toBe(false); // expired
  });

  it('keeps the total as a memory bound and prunes expired challenges', () => {
    let now = 0;
    const store = new ChallengeStore(() => now, { perPrincipal: 2, total: 4 });
    const first = store.issue('p1').challenge;
    for (const sub of ['p2', 'p3', 'p4', 'p5']) store.issue(sub);
    expect(store.size).toBe(4);
    expect(store.consume(first, 'p1')).toBe(false); // the oldest of all went
    now += CHALLENGE_TTL_MS;
    store.issue('p6');
    expect(store.size).toBe(1);
  });
});
