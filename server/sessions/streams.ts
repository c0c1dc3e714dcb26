import { tracked } from '@trpc/server';
import type { SessionEvent } from '../../protocol/sessions.js';
import type { EventBus, PublishedEvent } from './bus.js';
import { SubscriberQueue } from './subscriber-queue.js';

/** The subscriber's WebSocket, as the tRPC context exposes it (absent over HTTP). */
export interface Connection {
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}

export interface StreamOptions {
  bus: EventBus;
  /** One page of stored events after `afterId`, ascending. */
  readAfter(afterId: number, limit: number): SessionEvent[];
  /** Whether a live event belongs to this stream (same rule as `readAfter`). */
  accepts(published: PublishedEvent): boolean;
  /** Resume point: the last event id the client saw. */
  lastEventId: string | null | undefined;
  /** Live events queued before the stream falls back to reading SQLite. */
  capacity: number;
  /** Unsent bytes on the socket before the subscriber is disconnected as too slow. */
  maxBufferedBytes: number;
  connection?: Connection | undefined;
  signal?: AbortSignal | undefined;
  /** Called when the subscriber is disconnected for being too slow. */
  onTooSlow?: () => void;
}

const PAGE = 200;
/** WebSocket close code 1013 "try again later": the client reconnects and resumes by event id. */
export const TOO_SLOW_CODE = 1013;

/**
 * A resumable tracked event stream (docs/sessions.md, Subscriptions): subscribe to live events first, then backfill
 * from SQLite after `lastEventId`, then drain live events, skipping ids already sent — so a
 * client resuming with its last id, even after a server restart, gets every missed event once.
 *
 * Bounded, since the tRPC WebSocket adapter sends without backpressure: at most `capacity`
 * live events wait in memory (beyond that the stream re-reads SQLite), and a socket with more
 * than `maxBufferedBytes` unsent is closed with 1013.
 */
export async function* trackedEvents(opts: StreamOptions) {
  const queue = new SubscriberQueue<SessionEvent>(opts.capacity);
  const unsubscribe = opts.bus.subscribe((published) => {
    if (opts.accepts(published)) queue.push(published.event);
  });
  const tooSlow = (): boolean => {
    const connection = opts.connection;
    if (!connection || connection.bufferedAmount() <= opts.maxBufferedBytes) return false;
    connection.close(TOO_SLOW_CODE, 'subscriber too slow');
    opts.onTooSlow?.();
    return true;
  };
  let last = opts.lastEventId ? Number(opts.lastEventId) : 0;
  try {
    let backfill = true;
    for (;;) {
      while (backfill) {
        const page = opts.readAfter(last, PAGE);
        for (const event of page) {
          if (opts.signal?.aborted || tooSlow()) return;
          yield tracked(String(event.id), event);
          last = event.id;
        }
        backfill = page.length === PAGE;
      }
      const next = await queue.take(opts.signal);
      if (next === 'aborted') return;
      if (next === 'overflow') {
        backfill = true;
        continue;
      }
      if (next.id <= last) continue;
      if (tooSlow()) return;
      yield tracked(String(next.id), next);
      last = next.id;
    }
  } finally {
    unsubscribe();
  }
}
