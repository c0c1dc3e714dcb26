import { AppError } from '../../protocol/errors.js';
import type { RunningOnKey } from '../../protocol/session/description.js';

/** The running-session caps (docs/sessions.md, Limits; `--max-running-sessions*`). */
export interface RunningLimits {
  total: number;
  perCoordinator: number;
}

/**
 * Which sessions are running and whose, counted in memory (the runtime adds a session when it
 * starts or is restored and removes it when it ends), so a create is admitted or refused
 * without a query.
 */
export class RunningSessions {
  private readonly coordinatorOf = new Map<string, string>();
  private readonly perCoordinator = new Map<string, number>();
  /** Running sessions that work on an existing key (signings, lifecycle), by key. */
  private readonly byKey = new Map<string, Map<string, string>>();
  private readonly keyOf = new Map<string, string>();

  get size(): number {
    return this.coordinatorOf.size;
  }

  has(sessionId: string): boolean {
    return this.coordinatorOf.has(sessionId);
  }

  ids(): IterableIterator<string> {
    return this.coordinatorOf.keys();
  }

  /** Running sessions `coordinator` created. */
  of(coordinator: string): number {
    return this.perCoordinator.get(coordinator) ?? 0;
  }

  /** The running sessions of `keyId`, with their kinds. */
  onKey(keyId: string): RunningOnKey[] {
    const sessions = this.byKey.get(keyId);
    return sessions ? [...sessions].map(([sessionId, kind]) => ({ sessionId, kind })) : [];
  }

  add(sessionId: string, coordinator: string, key?: { keyId: string; kind: string }): void {
    if (this.coordinatorOf.has(sessionId)) return;
    this.coordinatorOf.set(sessionId, coordinator);
    this.perCoordinator.set(coordinator, this.of(coordinator) + 1);
    if (key) {
      const sessions = this.byKey.get(key.keyId) ?? new Map<string, string>();
      this.byKey.set(key.keyId, sessions.set(sessionId, key.kind));
      this.keyOf.set(sessionId, key.keyId);
    }
  }

  delete(sessionId: string): void {
    const coordinator = this.coordinatorOf.get(sessionId);
    if (coordinator === undefined) return;
    this.coordinatorOf.delete(sessionId);
    const keyId = this.keyOf.get(sessionId);
    if (keyId !== undefined) {
      this.keyOf.delete(sessionId);
      const sessions = this.byKey.get(keyId);
      sessions?.delete(sessionId);
      if (sessions?.size === 0) this.byKey.delete(keyId);
    }
    const left = this.of(coordinator) - 1;
    if (left > 0) this.perCoordinator.set(coordinator, left);
    else this.perCoordinator.delete(coordinator);
  }

  clear(): void {
    this.coordinatorOf.clear();
    this.perCoordinator.clear();
    this.byKey.clear();
    this.keyOf.clear();
  }

  /** Throws TOO_MANY_SESSIONS unless `coordinator` may start one more session now. */
  admit(coordinator: string, limits: RunningLimits): void {
    const mine = this.of(coordinator);
    if (mine >= limits.perCoordinator) {
      throw new AppError(
        'TOO_MANY_SESSIONS',
        `${coordinator} has ${mine} running sessions, the most one coordinator may have: ` +
          'wait for one to end or abort one',
        { limit: limits.perCoordinator, running: mine, scope: 'coordinator' },
      );
    }
    if (this.size >= limits.total) {
      throw new AppError(
        'TOO_MANY_SESSIONS',
        `the server runs ${this.size} sessions, the most it takes: try again once some have ended`,
        { limit: limits.total, running: this.size, scope: 'server' },
      );
    }
  }
}
