import type { z } from 'zod';
import type { Db } from '../../db/open.js';
import { inboxEventsAfter, sessionEventsAfter } from '../../db/session-events.js';
import type { Principal } from '../../protocol/identity.js';
import type { InboxInputSchema, WatchInputSchema } from '../../protocol/sessions.js';
import type { ServeConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { EventBus } from './bus.js';
import { trackedEvents, type Connection } from './streams.js';

/** Where a subscription is delivered and when it ends. */
export interface StreamTarget {
  connection?: Connection | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * The two resumable event streams (docs/sessions.md, Subscriptions): `session.watch` and `participant.inbox`, fed from
 * `session_events` and the bus of committed events, bounded per subscriber.
 */
export class EventStreams {
  readonly bus = new EventBus();
  private tooSlow = 0;

  constructor(
    private readonly deps: {
      db: Db;
      config: Pick<ServeConfig, 'subscriberBuffer' | 'subscriberMaxBufferedBytes'>;
      logger: Logger;
    },
  ) {}

  /** Subscribers disconnected for falling too far behind, since start. */
  get disconnectedTooSlow(): number {
    return this.tooSlow;
  }

  /**
   * One session's events addressed to everyone, plus those addressed to `viewer`. The caller
   * has checked that the viewer may see the session.
   */
  watch(viewer: string, input: z.output<typeof WatchInputSchema>, target: StreamTarget) {
    const { sessionId } = input;
    return trackedEvents({
      ...this.limits(target),
      lastEventId: input.lastEventId,
      readAfter: (afterId, limit) =>
        sessionEventsAfter(this.deps.db, { sessionId, viewer, afterId, limit }),
      accepts: ({ event }) =>
        event.sessionId === sessionId && (event.recipient === null || event.recipient === viewer),
    });
  }

  /** Everything addressed to the caller, in every session naming it. */
  inbox(principal: Principal, input: z.output<typeof InboxInputSchema>, target: StreamTarget) {
    const participant = principal.sub;
    return trackedEvents({
      ...this.limits(target),
      lastEventId: input?.lastEventId,
      readAfter: (afterId, limit) =>
        inboxEventsAfter(this.deps.db, { participant, afterId, limit }),
      accepts: ({ event, participants }) =>
        event.recipient === participant ||
        (event.recipient === null && participants.includes(participant)),
    });
  }

  private limits(target: StreamTarget) {
    return {
      bus: this.bus,
      capacity: this.deps.config.subscriberBuffer,
      maxBufferedBytes: this.deps.config.subscriberMaxBufferedBytes,
      connection: target.connection,
      signal: target.signal,
      onTooSlow: () => {
        this.tooSlow++;
        this.deps.logger.warn('disconnected a subscriber that fell too far behind');
      },
    };
  }
}
