/**
 * A bounded queue between the event bus (push, synchronous) and one subscription generator
 * (take, async). When it is full it drops everything and remembers that it overflowed: the
 * generator then reads the missed events back from SQLite, so memory stays bounded and nothing
 * is lost.
 */
export class SubscriberQueue<T> {
  private items: T[] = [];
  private overflowed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.overflowed) return;
    if (this.items.length >= this.capacity) {
      this.items = [];
      this.overflowed = true;
    } else {
      this.items.push(item);
    }
    this.wake?.();
  }

  get length(): number {
    return this.items.length;
  }

  /**
   * The next item, `'overflow'` once after the queue overflowed (it is empty and accepts items
   * again), or `'aborted'` when the signal fires.
   */
  async take(signal: AbortSignal | undefined): Promise<T | 'overflow' | 'aborted'> {
    for (;;) {
      if (signal?.aborted) return 'aborted';
      if (this.overflowed) {
        this.overflowed = false;
        return 'overflow';
      }
      const item = this.items.shift();
      if (item !== undefined) return item;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.wake = undefined;
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}
