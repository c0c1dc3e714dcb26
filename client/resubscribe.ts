// Keeping a tracked tRPC subscription open: the client's WebSocket reconnects by itself and resends
// the last event id it saw; when the subscription itself fails or ends (e.g. the server dropped a
// subscriber that fell behind) we subscribe again, with the reconnect backoff, from the last event
// received, until the signal aborts.
import type { Unsubscribable } from '@trpc/server/observable';
import { sleep } from './retry.js';
import { reconnectDelayMs } from './trpc.js';

/** The observer `keepSubscribed` hands to `open`, to pass on to tRPC's `subscribe`. */
export interface ResumingObserver<TEvent> {
  onStarted(): void;
  onData(tracked: { data: TEvent }): void;
  onError(err: unknown): void;
  onComplete(): void;
}

export interface KeepSubscribedOptions<TEvent> {
  /** Subscribes, resuming after `lastEventId` (undefined: from the first event). */
  open(lastEventId: string | undefined, observer: ResumingObserver<TEvent>): Unsubscribable;
  /** Resume after this event id (undefined: from the first event). */
  after: string | undefined;
  /** Stops subscribing and ends the current subscription. */
  signal: AbortSignal;
  onEvent(event: TEvent): void;
  /** The subscription (re)started, resuming after `lastEventId`; the backoff starts over. */
  onStarted?(lastEventId: string | undefined): void;
  /** The subscription failed (not called once aborted); abort the signal to not subscribe again. */
  onError?(err: unknown): void;
  /** The server ended the subscription (not called once aborted); we subscribe again. */
  onComplete?(): void;
}

export function keepSubscribed<TEvent extends { id: number | string }>(
  opts: KeepSubscribedOptions<TEvent>,
): void {
  const { signal } = opts;
  let lastEventId = opts.after;
  let subscription: Unsubscribable | undefined;
  let attempt = 0;

  const resubscribe = () => {
    subscription?.unsubscribe();
    subscription = undefined;
    sleep(reconnectDelayMs(++attempt), signal).then(subscribe, () => {});
  };

  function subscribe(): void {
    if (signal.aborted) return;
    subscription = opts.open(lastEventId, {
      onStarted: () => {
        attempt = 0;
        opts.onStarted?.(lastEventId);
      },
      onData: ({ data }) => {
        lastEventId = String(data.id);
        opts.onEvent(data);
      },
      onError: (err) => {
        if (signal.aborted) return;
        opts.onError?.(err);
        resubscribe();
      },
      onComplete: () => {
        if (signal.aborted) return;
        opts.onComplete?.();
        resubscribe();
      },
    });
  }

  signal.addEventListener('abort', () => subscription?.unsubscribe(), { once: true });
  subscribe();
}
