// Following a session to its end over session.watch. The stream starts after the newest event
// the first session.get reflects (its lastEventId), so progress only moves forward and nothing
// falls between the read and the subscription; it is resumable (the client's WebSocket resends
// the last event id on reconnect, and after a failed subscription we resubscribe from it:
// client/resubscribe.ts).
import { isTerminalState } from '../../protocol/session-states.js';
import type { SessionView } from '../../protocol/session-view.js';
import type { SessionEvent } from '../../protocol/sessions.js';
import { keepSubscribed } from '../resubscribe.js';
import { retryTransient } from '../retry.js';
import { isTransient, refusalOf } from '../server-errors.js';
import { isTerminalEventType } from '../../protocol/session-events.js';
import type { SigSocketClient } from '../trpc.js';
import { advance, type SessionProgress } from './progress.js';
import { SessionEndedError } from './session-ended-error.js';

export interface FollowOptions {
  /** Stops following (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * Resolves with the final SessionView once the session completes; rejects with
 * SessionEndedError (state, error, waitingFor) when it ends otherwise, or with the server's
 * error when the session cannot be followed (NOT_FOUND, FORBIDDEN, ...). `onProgress` sees the
 * session as session.get shows it, then after every later event.
 */
export async function followSession(
  client: SigSocketClient,
  sessionId: string,
  onProgress: (progress: SessionProgress) => void = () => {},
  opts: FollowOptions = {},
): Promise<SessionView> {
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const get = () =>
    retryTransient(() => client.session.get.query({ sessionId }), isTransient, { signal });
  let view = await get();
  onProgress({ view, event: null });
  if (isTerminalState(view.state)) {
    if (view.state === 'completed') return view;
    throw new SessionEndedError(view);
  }

  return new Promise<SessionView>((resolve, reject) => {
    let settled = false;

    const onAbort = () => fail(opts.signal?.reason);
    const settle = (outcome: { view: SessionView } | { error: unknown }) => {
      if (settled) return;
      settled = true;
      stop.abort(); // also ends the subscription
      opts.signal?.removeEventListener('abort', onAbort);
      if ('error' in outcome) reject(outcome.error);
      else if (outcome.view.state === 'completed') resolve(outcome.view);
      else reject(new SessionEndedError(outcome.view));
    };
    const fail = (error: unknown) => settle({ error });
    // Aborted already (e.g. by the first onProgress): an abort listener would never fire.
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const onEvent = (event: SessionEvent) => {
      view = advance(view, event);
      onProgress({ view, event });
      // The final view comes from session.get: it has the stored result and error in full.
      if (isTerminalEventType(event.type)) get().then((final) => settle({ view: final }), fail);
    };

    keepSubscribed<SessionEvent>({
      open: (lastEventId, observer) =>
        client.session.watch.subscribe(
          lastEventId ? { sessionId, lastEventId } : { sessionId },
          observer,
        ),
      after: view.lastEventId ?? undefined,
      signal,
      onEvent,
      // A definite refusal (NOT_FOUND, FORBIDDEN, ...) ends following; anything else resubscribes.
      onError: (err) => {
        if (refusalOf(err)) fail(err);
      },
    });
  });
}
