// participant.inbox, kept open (client/resubscribe.ts): on a failed subscription we log, report
// the agent `disconnected` and subscribe again from the last event received.
import type { Logger } from 'pino';
import type { SessionEvent } from '../../protocol/sessions.js';
import { keepSubscribed } from '../resubscribe.js';
import { connectionProblem } from '../server-errors.js';
import type { SigSocketClient } from '../trpc.js';
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
  keepSubscribed<SessionEvent>({
    open: (lastEventId, observer) =>
      client.participant.inbox.subscribe(lastEventId ? { lastEventId } : {}, {
        ...observer,
        onConnectionStateChange: (state) => {
          if (state.state === 'connecting' && state.error && !signal.aborted)
            emit({ type: 'disconnected', message: connectionProblem(state.error) });
        },
      }),
    after: opts.after,
    signal,
    onEvent: opts.onEvent,
    onStarted: (lastEventId) => {
      emit({ type: 'subscribed', lastEventId: lastEventId ?? null });
      opts.onStarted();
    },
    onError: (err) => {
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ err: message }, 'inbox subscription failed; subscribing again');
      emit({ type: 'disconnected', message: connectionProblem(err) });
    },
    onComplete: () => emit({ type: 'disconnected' }),
  });
}
