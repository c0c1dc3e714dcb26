/** setTimeout's largest delay; longer deadlines are re-armed in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * One timer per session at its absolute deadline (XState does not restore `after` timers from
 * a snapshot, so the runtime keeps its own). `fire` is called at or after the deadline; an
 * overdue deadline fires on the next tick.
 */
export class DeadlineTimers {
  private readonly timers = new Map<string, { deadline: number; timer: NodeJS.Timeout }>();
  private closed = false;

  constructor(
    private readonly fire: (sessionId: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** (Re-)arms the session's timer; `null` clears it. */
  arm(sessionId: string, deadline: number | null): void {
    const current = this.timers.get(sessionId);
    if (current && current.deadline === deadline) return;
    this.clear(sessionId);
    if (deadline === null || this.closed) return;
    const delay = Math.min(Math.max(deadline - this.now(), 0), MAX_DELAY_MS);
    const timer = setTimeout(() => {
      this.timers.delete(sessionId);
      this.fire(sessionId);
    }, delay);
    this.timers.set(sessionId, { deadline, timer });
  }

  clear(sessionId: string): void {
    const current = this.timers.get(sessionId);
    if (!current) return;
    clearTimeout(current.timer);
    this.timers.delete(sessionId);
  }

  /** Stops every timer (shutdown); nothing is armed afterwards. */
  close(): void {
    this.closed = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  get size(): number {
    return this.timers.size;
  }
}
