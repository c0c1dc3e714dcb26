/**
 * The subscription guard of server/trpc/subscriptions.ts on its own, with a clock handed in:
 * the limits per connection and per principal, a slot released however the stream ends, and
 * the stream ending with UNAUTHORIZED at the token's expiry unless the holder was refreshed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../protocol/errors.js';
import type { AuthHolder } from '../../server/auth/authenticate.js';
import { guardSubscription, SubscriptionLimits } from '../../server/trpc/subscriptions.js';

const alice = { sub: 'alice', role: 'participant' as const };

function holder(expiresAt: number): AuthHolder {
  return { current: { kind: 'ok', principal: alice, expiresAt } };
}

/** An endless stream of 1, 2, 3… that records whether it was ended. */
function counting() {
  const state = { ended: false };
  async function* numbers() {
    try {
      for (let i = 1; ; i++) {
        await new Promise((r) => setTimeout(r, 10));
        yield i;
      }
    } finally {
      state.ended = true;
    }
  }
  return { state, iterable: numbers() };
}

const ok = (data: unknown) => Promise.resolve({ ok: true as const, data });
const asError = (err: AppError) => err;

afterEach(() => {
  vi.useRealTimers();
});

describe('subscription limits', () => {
  it('refuse the subscription over the per-connection limit, then admit one after a release', () => {
    const limits = new SubscriptionLimits({ perConnection: 2, perPrincipal: 10 });
    const connection = limits.forConnection();
    const first = connection.acquire('alice');
    connection.acquire('alice');
    expect(() => connection.acquire('alice')).toThrow(
      expect.objectContaining({
        code: 'TOO_MANY_SUBSCRIPTIONS',
        details: { limit: 2, scope: 'connection' },
      }),
    );
    first();
    first(); // idempotent
    expect(connection.open).toBe(1);
    expect(() => connection.acquire('alice')).not.toThrow();
  });

  it('count a principal over all its connections, and no one else', () => {
    const limits = new SubscriptionLimits({ perConnection: 10, perPrincipal: 3 });
    const [a, b] = [limits.forConnection(), limits.forConnection()];
    a.acquire('alice');
    a.acquire('alice');
    const release = b.acquire('alice');
    expect(() => b.acquire('alice')).toThrow(
      expect.objectContaining({
        code: 'TOO_MANY_SUBSCRIPTIONS',
        details: { limit: 3, scope: 'principal' },
      }),
    );
    expect(b.open).toBe(1); // the refused one took no connection slot
    expect(() => b.acquire('bob')).not.toThrow();
    release();
    expect(limits.openOf('alice')).toBe(2);
    expect(() => b.acquire('alice')).not.toThrow();
  });
});

describe('guardSubscription', () => {
  const caller = (limits: SubscriptionLimits, auth: AuthHolder, now: () => number) => ({
    principal: alice,
    auth,
    clock: now,
    subscriptions: limits.forConnection(),
  });

  it('refuses over HTTP (no connection) before running the procedure', async () => {
    const next = vi.fn(() => ok([]));
    const err = await guardSubscription(
      {
        principal: alice,
        auth: holder(Date.now() + 1000),
        clock: Date.now,
        subscriptions: undefined,
      },
      next,
      asError,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_REQUEST' });
    expect(next).not.toHaveBeenCalled();
  });

  it('runs nothing when the limit is reached', async () => {
    const limits = new SubscriptionLimits({ perConnection: 1, perPrincipal: 1 });
    const c = caller(limits, holder(Date.now() + 60_000), Date.now);
    c.subscriptions.acquire('alice');
    const next = vi.fn(() => ok([]));
    const err = await guardSubscription(c, next, asError).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS' });
    expect(next).not.toHaveBeenCalled();
  });

  it('releases the slot when the procedure fails, when the stream is returned unstarted, and when it ends', async () => {
    const limits = new SubscriptionLimits({ perConnection: 5, perPrincipal: 5 });
    const c = caller(limits, holder(Date.now() + 60_000), Date.now);
    await guardSubscription(c, () => Promise.resolve({ ok: false as const }), asError);
    expect(c.subscriptions.open).toBe(0);

    const unstarted = await guardSubscription(c, () => ok(counting().iterable), asError);
    expect(c.subscriptions.open).toBe(1);
    await (unstarted.data as AsyncIterator<number>).return!();
    expect(c.subscriptions.open).toBe(0);

    async function* two() {
      yield 1;
      yield 2;
    }
    const finite = await guardSubscription(c, () => ok(two()), asError);
    const seen: unknown[] = [];
    for await (const v of finite.data as AsyncIterable<number>) seen.push(v);
    expect(seen).toEqual([1, 2]);
    expect(c.subscriptions.open).toBe(0);
  });

  it('ends the stream with UNAUTHORIZED "token expired" at the expiry, and ends the inner stream', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const limits = new SubscriptionLimits({ perConnection: 5, perPrincipal: 5 });
    const c = caller(limits, holder(1_000_000 + 5_000), Date.now);
    const { state, iterable } = counting();
    const guarded = await guardSubscription(c, () => ok(iterable), asError);
    const seen: number[] = [];
    let failure: unknown;
    const consumed = (async () => {
      try {
        for await (const v of guarded.data as AsyncIterable<number>) seen.push(v);
      } catch (err) {
        failure = err;
      }
    })();
    await vi.advanceTimersByTimeAsync(4_990);
    expect(failure).toBeUndefined();
    await vi.advanceTimersByTimeAsync(30);
    await consumed;
    expect(failure).toMatchObject({ code: 'UNAUTHORIZED', message: 'token expired' });
    expect(seen.length).toBeGreaterThan(400); // values came until the expiry
    expect(c.subscriptions.open).toBe(0);
    await vi.advanceTimersByTimeAsync(20);
    expect(state.ended).toBe(true);
  });

  it('goes on past the first expiry when the holder got a later token, then ends at that one', async () => {
    vi.useFakeTimers({ now: 2_000_000 });
    const limits = new SubscriptionLimits({ perConnection: 5, perPrincipal: 5 });
    const auth = holder(2_000_000 + 1_000);
    const c = caller(limits, auth, Date.now);
    async function* never() {
      await new Promise(() => {});
      yield 0;
    }
    const guarded = await guardSubscription(c, () => ok(never()), asError);
    const it = (guarded.data as AsyncIterable<number>)[Symbol.asyncIterator]();
    let outcome: unknown = 'pending';
    void it.next().then(
      (v) => (outcome = v),
      (e: unknown) => (outcome = e),
    );
    await vi.advanceTimersByTimeAsync(500);
    auth.current = { kind: 'ok', principal: alice, expiresAt: 2_000_000 + 3_000 }; // refreshed
    await vi.advanceTimersByTimeAsync(1_000);
    expect(outcome).toBe('pending'); // the first expiry passed
    await vi.advanceTimersByTimeAsync(1_600);
    expect(outcome).toMatchObject({ code: 'UNAUTHORIZED', message: 'token expired' });
    expect(c.subscriptions.open).toBe(0);
  });
});
