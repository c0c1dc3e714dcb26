import type { SessionEvent } from '../../protocol/sessions.js';

/** A committed event and who may see it. */
export interface PublishedEvent {
  event: SessionEvent;
  /** Names of the session's participants (broadcasts reach all of them). */
  participants: readonly string[];
}

type Listener = (published: PublishedEvent) => void;

/**
 * Fan-out of committed `session_events` rows to live subscribers. The runtime publishes only
 * after the transaction commits; subscribers that missed something read it back from SQLite.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: readonly PublishedEvent[]): void {
    for (const published of events) {
      for (const listener of this.listeners) listener(published);
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
