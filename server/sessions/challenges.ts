import { randomBytes } from 'node:crypto';

/** How long a registration challenge stays valid. */
export const CHALLENGE_TTL_MS = 2 * 60_000;
/** Outstanding challenges kept at most (the oldest are dropped beyond it). */
const MAX_CHALLENGES = 10_000;

/**
 * Single-use, short-lived challenges for identity registration, kept in memory: a restart
 * simply invalidates them (the client asks for a new one).
 */
export class ChallengeStore {
  private readonly challenges = new Map<string, { sub: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(sub: string): { challenge: string; expiresAt: number } {
    this.prune();
    const challenge = randomBytes(32).toString('hex');
    const expiresAt = this.now() + CHALLENGE_TTL_MS;
    this.challenges.set(challenge, { sub, expiresAt });
    return { challenge, expiresAt };
  }

  /** True once for a live challenge issued to `sub`; the challenge is gone afterwards. */
  consume(challenge: string, sub: string): boolean {
    const entry = this.challenges.get(challenge);
    this.challenges.delete(challenge);
    return entry !== undefined && entry.sub === sub && entry.expiresAt > this.now();
  }

  private prune(): void {
    const now = this.now();
    for (const [challenge, entry] of this.challenges) {
      if (entry.expiresAt <= now) this.challenges.delete(challenge);
    }
    while (this.challenges.size >= MAX_CHALLENGES) {
      const oldest = this.challenges.keys().next().value;
      if (oldest === undefined) break;
      this.challenges.delete(oldest);
    }
  }
}
