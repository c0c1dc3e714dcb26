// participant.inbox, kept open: the client's WebSocket reconnects by itself and resends the last
// event id it saw; when the subscription itself fails (e.g. the server dropped a subscriber that
// fell behind) we subscribe again, with backoff, from the last event received.
import type { Unsubscribable } from '@trpc/server/observable';
import type { Logger } from 'pino';
import type { SessionEvent } from '../../protocol/sessions.js';
import { sleep } from '../retry.js';
import { connectionProblem } from '../server-errors.js';
import { reconnectDelayMs, type SigSocketClient } from '../trpc.js';
import type { AgentEvent } from './types.js';

export interface InboxOptions {
  client: SigSocketClient;
  /** Resume after this event id (undefined: from the first event). */
  after: string | undefined;
  onEvent(event: SessionEvent): void;
  onStarted(): void;
  emit(event: AgentEvent): void;
  log: Logger;
  signal: AbortSignal;
}

export function followInbox(opts: InboxOptions): void {
  const { client, emit, log, signal } = opts;
  let lastReceived = opts.after;
  let subscription: Unsubscribable | undefined;
  let attempt = 0;

  const resubscribe = () => {
    subscription?.unsubscribe();
    subscription = undefined;
    sleep(reconnectDelayMs(++attempt), signal).then(subscribe, () => {});
  };

  function subscribe(): void {
    if (signal.aborted) return;
    subscription = client.participant.inbox.subscribe(
      lastReceived ? { lastEventId: lastReceived } : {},
      {
        onStarted: () => {
          attempt = 0;
          emit({ type: 'subscribed', lastEventId: lastReceived ?? null });
          opts.onStarted();
        },
        onData: ({ data }) => {
          lastReceived = String(data.id);
          opts.onEvent(data);
        },
        onError: (err) => {
          if (signal.aborted) return;
          log.warn({ err: err.message }, 'inbox subscription failed; subscribing again');
          emit({ type: 'disconnected', message: connectionProblem(err) });
          resubscribe();
        },
        onComplete: () => {
          if (signal.aborted) return;
          emit({ type: 'disconnected' });
          resubscribe();
        },
        onConnectionStateChange: (state) => {
          if (state.state === 'connecting' && state.error && !signal.aborted)
            emit({ type: 'disconnected', message: connectionProblem(state.error) });
        },
      },
    );
  }

  signal.addEventListener('abort', () => subscription?.unsubscribe(), { once: true });
  subscribe();
}
