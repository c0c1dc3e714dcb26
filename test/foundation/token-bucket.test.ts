import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../db/audit.js';
import { AppError } from '../../protocol/errors.js';
import { MAX_RATE_BUCKETS, RateLimiter } from '../../server/rate-limit.js';
import { TokenBuckets } from '../../server/token-bucket.js';

/** Buckets on a clock the test moves. */
function bucketsAt(time: { now: number }, maxKeys = 100) {
  return new TokenBuckets({ ratePerSecond: 10, burst: 5, now: () => time.now, maxKeys });
}

function takeAll(buckets: TokenBuckets, key: string, n: number): number[] {
  return Array.from({ length: n }, () => buckets.take(key));
}

describe('token buckets', () => {
  it('allows the burst at once, then one token per 1/rate seconds', () => {
    const time = { now: 1_000 };
    const buckets = bucketsAt(time);
    expect(takeAll(buckets, 'a', 5)).toEqual([0, 0, 0, 0, 0]);
    expect(buckets.take('a')).toBe(100); // 10/s: the next token in 100 ms
    time.now += 40;
    expect(buckets.take('a')).toBe(60);
    time.now += 60;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(100);
  });

  it('refills up to the burst and no further', () => {
    const time = { now: 0 };
    const buckets = bucketsAt(time);
    takeAll(buckets, 'a', 5);
    time.now += 60_000;
    expect(takeAll(buckets, 'a', 6)).toEqual([0, 0, 0, 0, 0, 100]);
  });

  it('keeps one bucket per key', () => {
    const time = { now: 0 };
    const buckets = bucketsAt(time);
    takeAll(buckets, 'a', 5);
    expect(buckets.take('a')).toBeGreaterThan(0);
    expect(takeAll(buckets, 'b', 5)).toEqual([0, 0, 0, 0, 0]);
  });

  it('never refills from a clock that went back', () => {
    const time = { now: 10_000 };
    const buckets = bucketsAt(time);
    takeAll(buckets, 'a', 5);
    time.now -= 5_000;
    expect(buckets.take('a')).toBe(100);
  });

  it('holds at most maxKeys buckets, evicting the least recently used', () => {
    const time = { now: 0 };
    const buckets = bucketsAt(time, 3);
    takeAll(buckets, 'a', 5);
    takeAll(buckets, 'b', 5);
    takeAll(buckets, 'c', 5);
    buckets.take('a'); // a is now the most recently used
    buckets.take('d'); // evicts b
    expect(buckets.size).toBe(3);
    expect(buckets.take('a')).toBeGreaterThan(0); // a kept its empty bucket
    expect(buckets.take('b')).toBe(0); // b starts full again (evicts c)
    for (let i = 0; i < 1_000; i++) buckets.take(`k${i}`);
    expect(buckets.size).toBe(3);
  });
});

describe('the rate limiter', () => {
  function limiter() {
    const time = { now: 0 };
    const rows: AuditEntry[] = [];
    let refused = 0;
    const rl = new RateLimiter({
      ratePerSecond: 10,
      burst: 2,
      audit: { record: (e) => rows.push(e) },
      refused: () => refused++,
      clock: () => 1_700_000_000_000,
      now: () => time.now,
    });
    return { rl, rows, time, refused: () => refused };
  }
  const alice = { sub: 'alice', role: 'participant' as const };

  it('keys a valid token by sub and no token by address; refuses RATE_LIMITED with retryAfterMs', () => {
    const { rl, refused } = limiter();
    rl.take(alice, '10.0.0.1');
    rl.take(alice, '10.0.0.2'); // another address, the same principal
    let err: unknown;
    try {
      rl.take(alice, '10.0.0.3');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: 100 } });
    // No valid token: the address's own bucket.
    rl.take(undefined, '10.0.0.1');
    rl.take(undefined, '10.0.0.1');
    expect(() => rl.take(undefined, '10.0.0.1')).toThrow(AppError);
    expect(() => rl.take(undefined, '10.0.0.9')).not.toThrow();
    expect(refused()).toBe(2);
  });

  it('audits the refusals as one row per principal, with their count', () => {
    const { rl, rows } = limiter();
    for (let i = 0; i < 50; i++) {
      try {
        rl.take(alice, 'a');
      } catch {}
      try {
        rl.take(undefined, '10.0.0.7');
      } catch {}
    }
    expect(rows).toEqual([]); // nothing written per refusal
    rl.flush();
    expect(rows).toEqual([
      {
        actor: 'alice',
        role: 'participant',
        action: 'rate_limit',
        outcome: 'refused: RATE_LIMITED',
        detail: { count: 48 },
        at: 1_700_000_000_000,
      },
      expect.objectContaining({ actor: 'ip:10.0.0.7', role: 'anonymous', detail: { count: 48 } }),
    ]);
    rl.flush();
    expect(rows).toHaveLength(2);
  });

  it('bounds its tallies: past the bucket cap they are written out', () => {
    const { rl, rows } = limiter();
    for (let i = 0; i <= MAX_RATE_BUCKETS; i++) {
      rl.take(undefined, `ip${i}`);
      rl.take(undefined, `ip${i}`);
      expect(() => rl.take(undefined, `ip${i}`)).toThrow(AppError);
    }
    expect(rows).toHaveLength(MAX_RATE_BUCKETS);
    rl.flush();
    expect(rows).toHaveLength(MAX_RATE_BUCKETS + 1);
  });
});
