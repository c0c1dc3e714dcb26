/**
 * One queue per session: tasks of a session run one at a time in arrival order, tasks of
 * different sessions concurrently (a slow approval in one session does not hold up another).
 */
export class SessionQueues {
  private readonly tails = new Map<string, Promise<void>>();

  run(sessionId: string, task: () => Promise<void>): void {
    const next = (this.tails.get(sessionId) ?? Promise.resolve()).then(task);
    this.tails.set(sessionId, next);
    void next.finally(() => {
      if (this.tails.get(sessionId) === next) this.tails.delete(sessionId);
    });
  }

  /** Resolves when every queued task has finished (tasks must not reject). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }
}
