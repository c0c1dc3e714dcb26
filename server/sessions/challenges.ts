import { randomBytes } from 'node:crypto';

/** How long a registration challenge stays valid. */
export const CHALLENGE_TTL_MS = 2 * 60_000;
/**
 * Outstanding challenges kept at most over all principals, a memory bound only (about 200 bytes
 * each): the per-principal cap is what keeps one caller from evicting another's.
 */
export const MAX_CHALLENGES = 10_000;

export interface ChallengeLimits {
  /** Outstanding challenges of one principal; a new one drops that principal's oldest. */
  perPrincipal: number;
  /** Outstanding challenges in total; beyond it the oldest of anyone's is dropped. */
  total?: number;
}

interface Entry {
  sub: string;
  expiresAt: number;
}

/**
 * Single-use, short-lived challenges for identity registration, kept in memory: a restart
 * simply invalidates them (the client asks for a new one). A principal asking for more than
 * its cap loses its own oldest challenge, never another's (docs/sessions.md, Limits), so honest
 * retries keep working while a flood only churns the flooder's own.
 */
export class ChallengeStore {
  /** In issue order, which is also expiry order (one TTL for all). */
  private readonly challenges = new Map<string, Entry>();
  /** Each principal's outstanding challenges, oldest first. */
  private readonly bySub = new Map<string, string[]>();
  private readonly perPrincipal: number;
  private readonly total: number;

  constructor(
    private readonly now: () => number = Date.now,
    limits: ChallengeLimits = { perPrincipal: 8 },
  ) {
    this.perPrincipal = limits.perPrincipal;
    this.total = limits.total ?? MAX_CHALLENGES;
  }

  get size(): number {
    return this.challenges.size;
  }

  issue(sub: string): { challenge: string; expiresAt: number } {
    this.pruneExpired();
    const own = this.bySub.get(sub) ?? [];
    while (own.length >= this.perPrincipal) this.drop(own[0]!);
    while (this.challenges.size >= this.total) {
      const oldest = this.challenges.keys().next().value;
      if (oldest === undefined) break;
      this.drop(oldest);
    }
    const challenge = randomBytes(32).toString('hex');
    const expiresAt = this.now() + CHALLENGE_TTL_MS;
    this.challenges.set(challenge, { sub, expiresAt });
    const list = this.bySub.get(sub) ?? [];
    list.push(challenge);
    this.bySub.set(sub, list);
    return { challenge, expiresAt };
  }

  /** True once for a live challenge issued to `sub`; the challenge is gone afterwards. */
  consume(challenge: string, sub: string): boolean {
    const entry = this.challenges.get(challenge);
    // Another principal's challenge is not spent by a wrong guess.
    if (entry === undefined || entry.sub !== sub) return false;
    this.drop(challenge);
    return entry.expiresAt > this.now();
  }

  private drop(challenge: string): void {
    const entry = this.challenges.get(challenge);
    if (!entry) return;
    this.challenges.delete(challenge);
    const list = this.bySub.get(entry.sub);
    if (!list) return;
    const at = list.indexOf(challenge);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.bySub.delete(entry.sub);
  }

  /** Expired challenges are at the front (issue order): stops at the first live one. */
  private pruneExpired(): void {
    const now = this.now();
    for (const [challenge, entry] of this.challenges) {
      if (entry.expiresAt > now) break;
      this.drop(challenge);
    }
  }
}
