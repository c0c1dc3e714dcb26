import { performance } from 'node:perf_hooks';
import type { AuditEntry } from '../db/audit.js';
import { AppError } from '../protocol/errors.js';
import type { Principal } from '../protocol/identity.js';
import { TokenBuckets } from './token-bucket.js';

/** Buckets kept at most (≈ 100 bytes each); beyond that the least recently used goes. */
export const MAX_RATE_BUCKETS = 10_000;
/** How often the refusals of each principal are written to the audit log, as one row. */
export const REFUSAL_AUDIT_MS = 1_000;

interface Tally {
  actor: string;
  role: string;
  count: number;
  /** Epoch ms of the first refusal counted. */
  at: number;
}

export interface RateLimiterDeps {
  ratePerSecond: number;
  burst: number;
  /** Where the refusal rows go (an AuditBatcher: no fsync per refusal). */
  audit: { record(entry: AuditEntry): void };
  /** Counts each refusal (a metric). */
  refused: () => void;
  /** Epoch ms for the audit rows (the server clock). */
  clock: () => number;
  /**
   * Monotonic ms for the buckets. Not the server clock: tests freeze or jump that one, and a
   * rate is about time that really passed.
   */
  now?: () => number;
}

/**
 * Requests per principal per second (`--rate-limit`, `--rate-burst`; docs/reliability.md,
 * "Limits"): the principal is the token's `sub` when the token is valid, the caller's address
 * otherwise. A refusal is the AppError RATE_LIMITED with `details.retryAfterMs`; it costs a
 * counter, not a database write: each principal's refusals are written as one audit row per
 * second (`action` rate_limit, `detail.count`).
 */
export class RateLimiter {
  private readonly buckets: TokenBuckets;
  private tallies = new Map<string, Tally>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RateLimiterDeps) {
    this.buckets = new TokenBuckets({
      ratePerSecond: deps.ratePerSecond,
      burst: deps.burst,
      now: deps.now ?? (() => performance.now()),
      maxKeys: MAX_RATE_BUCKETS,
    });
  }

  /**
   * Takes one call from the bucket of `principal` (a valid token's), or of the address `ip`
   * when there is none; throws RATE_LIMITED when it is empty.
   */
  take(principal: Principal | undefined, ip: string): void {
    const caller = principal
      ? { key: `sub:${principal.sub}`, actor: principal.sub, role: principal.role }
      : { key: `ip:${ip}`, actor: `ip:${ip}`, role: 'anonymous' };
    const retryAfterMs = this.buckets.take(caller.key);
    if (retryAfterMs === 0) return;
    this.deps.refused();
    this.tally(caller);
    throw new AppError(
      'RATE_LIMITED',
      `too many requests: more than ${this.deps.ratePerSecond} per second (burst ${this.deps.burst}); retry in ${retryAfterMs} ms`,
      { retryAfterMs },
    );
  }

  /** Writes the refusals counted so far (one row per principal) to the audit batcher. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const tallies = this.tallies;
    this.tallies = new Map();
    for (const t of tallies.values()) {
      this.deps.audit.record({
        actor: t.actor,
        role: t.role,
        action: 'rate_limit',
        outcome: 'refused: RATE_LIMITED',
        detail: { count: t.count },
        at: t.at,
      });
    }
  }

  private tally(caller: { key: string; actor: string; role: string }): void {
    const t = this.tallies.get(caller.key);
    if (t) {
      t.count++;
    } else {
      // As many principals refused within a second as there are buckets: write them out now.
      if (this.tallies.size >= MAX_RATE_BUCKETS) this.flush();
      const { actor, role } = caller;
      this.tallies.set(caller.key, { actor, role, count: 1, at: this.deps.clock() });
    }
    this.timer ??= setTimeout(() => this.flush(), REFUSAL_AUDIT_MS).unref();
  }
}
