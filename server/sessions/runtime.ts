import {
  SessionInputError,
  type AnySessionEvent,
  type AnySessionNotification,
  type SessionKind,
} from '../../machines/index.js';
import type { AuditEntry } from '../../db/audit.js';
import { recordAudit } from '../../db/audit.js';
import { getKeyRow, type KeyRow } from '../../db/keys.js';
import type { Db } from '../../db/open.js';
import type { Queryable } from '../../db/queryable.js';
import { insertSessionEvents } from '../../db/session-events.js';
import {
  getSessionRow,
  insertSessionRow,
  unfinishedSessionRows,
  updateSessionRow,
  type NewSessionRow,
  type SessionRow,
  type SessionRowPatch,
} from '../../db/sessions.js';
import { AppError } from '../../protocol/errors.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import { DeadlineTimers } from './deadlines.js';
import { LiveSession, type SessionInput } from './live-session.js';
import { rejectionError } from './rejections.js';
import type { CompletedSession, SessionFlow } from './session-flow.js';

/** One transition asked for from outside (a participant, the coordinator, the clock). */
export interface Step {
  event: AnySessionEvent;
  audit: AuditEntry[];
  /** Extra rows written in the same transaction. */
  write?: ((tx: Queryable) => void) | undefined;
}

/** Fixed columns of a new sessions row (the rest come from the machine's snapshot). */
export type SessionRowBase = Pick<
  NewSessionRow,
  'label' | 'keyId' | 'message' | 'requestHash' | 'participants'
>;

const SERVER_ACTOR = { actor: 'sigsocket', role: 'server' } as const;
/** Delay before retrying a TIMEOUT whose transaction failed. */
const TIMEOUT_RETRY_MS = 1_000;

/**
 * The session runtime: one XState actor per running session. Every transition — its session
 * row, the `session_events` rows of what it emitted and its audit rows — is one SQLite
 * transaction (better-sqlite3 is synchronous, so a transition is never interleaved with
 * another); subscribers hear of it only after commit. Deadlines are re-armed from the stored
 * absolute time, also after a restart.
 */
export class SessionRuntime {
  private readonly live = new Map<string, LiveSession>();
  private readonly timers: DeadlineTimers;

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      bus: EventBus;
      flows: Record<SessionKind, SessionFlow>;
      now?: () => number;
    },
  ) {
    this.timers = new DeadlineTimers((id) => this.timeout(id));
  }

  private flowOf(kind: string): SessionFlow {
    const flow = this.deps.flows[kind];
    if (!flow) throw new Error(`no session protocol ${kind}`);
    return flow;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  get(sessionId: string): LiveSession | undefined {
    return this.live.get(sessionId);
  }

  get running(): number {
    return this.live.size;
  }

  /** Starts a session: its row, invitations and first phase_changed in one transaction. */
  create(
    session: SessionInput,
    base: SessionRowBase,
    audit: AuditEntry[],
    key?: KeyRow,
  ): SessionRow {
    let live: LiveSession;
    try {
      live = LiveSession.create(session);
    } catch (err) {
      if (err instanceof SessionInputError) throw new AppError('BAD_REQUEST', err.message);
      throw err;
    }
    live.key = key;
    try {
      return this.insert(live, session, base, audit);
    } catch (err) {
      live.stop();
      throw err;
    }
  }

  private insert(
    live: LiveSession,
    session: SessionInput,
    base: SessionRowBase,
    audit: AuditEntry[],
  ): SessionRow {
    const at = session.input.at;
    const notifications = live.take();
    const persisted = live.persisted();
    const flow = this.flowOf(live.kind);
    const published = this.deps.db.transaction((tx) => {
      insertSessionRow(tx, {
        id: live.id,
        kind: live.kind,
        scheme: session.input.scheme,
        threshold: session.input.threshold,
        coordinator: session.input.coordinator,
        ...base,
        ...this.rowPatch(live, persisted, at),
        createdAt: at,
      });
      for (const entry of audit) recordAudit(tx, entry);
      return this.storeEvents(tx, live, flow, notifications, null, at);
    });
    live.commit(persisted);
    this.live.set(live.id, live);
    this.afterCommit(live, published);
    return getSessionRow(this.deps.db, live.id)!;
  }

  /**
   * Sends `step.event` (refused → typed AppError, nothing changes), then the runtime's own
   * follow-up events (aggregation), and commits it all in one transaction.
   */
  apply(live: LiveSession, step: Step): SessionRow {
    const rejection = live.explain(step.event);
    if (rejection) throw rejectionError(rejection);
    try {
      live.send(step.event);
      return this.settle(live, step.event.at, step);
    } catch (err) {
      live.rollback();
      throw err;
    }
  }

  /** Runs follow-ups and commits what the live session emitted since its last commit. */
  private settle(live: LiveSession, at: number, step?: Step): SessionRow {
    const flow = this.flowOf(live.kind);
    for (let next = flow.followUp(live, at); next; next = flow.followUp(live, at)) {
      const refused = live.explain(next);
      if (refused) throw new Error(`runtime event ${next.type} refused: ${refused.message}`);
      live.send(next);
    }
    const notifications = live.take();
    const persisted = live.persisted();
    const snapshot = live.snapshot;
    const audit = [...(step?.audit ?? [])];
    if (live.ended) {
      const error = snapshot.context.error;
      audit.push({
        ...SERVER_ACTOR,
        action: 'session.end',
        outcome: live.state,
        sessionId: live.id,
        detail: error ? { code: error.code, culprits: error.culprits } : {},
        at,
      });
    }
    const published = this.deps.db.transaction((tx) => {
      const completed = live.state === 'completed' ? flow.complete(tx, live, at) : null;
      updateSessionRow(tx, live.id, {
        ...this.rowPatch(live, persisted, at),
        ...(completed ? { result: completed.result } : {}),
        ...(completed?.keyId ? { keyId: completed.keyId } : {}),
      });
      step?.write?.(tx);
      for (const entry of audit) recordAudit(tx, entry);
      return this.storeEvents(tx, live, flow, notifications, completed, at);
    });
    live.commit(persisted);
    this.afterCommit(live, published);
    return getSessionRow(this.deps.db, live.id)!;
  }

  private rowPatch(
    live: LiveSession,
    persisted: unknown,
    at: number,
  ): Required<
    Pick<SessionRowPatch, 'state' | 'snapshot' | 'deadline' | 'waitingFor' | 'error' | 'updatedAt'>
  > {
    const context = live.context;
    return {
      state: live.state,
      snapshot: persisted,
      deadline: context.deadline,
      waitingFor: context.waitingFor,
      error: context.error as Record<string, unknown> | null,
      updatedAt: at,
    };
  }

  private storeEvents(
    tx: Queryable,
    live: LiveSession,
    flow: SessionFlow,
    notifications: AnySessionNotification[],
    completed: CompletedSession | null,
    at: number,
  ) {
    const rows = notifications.map((n) => {
      const stored = flow.decorate(live, n, completed);
      return { sessionId: live.id, ...stored, createdAt: at };
    });
    return insertSessionEvents(tx, rows);
  }

  private afterCommit(live: LiveSession, events: ReturnType<typeof insertSessionEvents>): void {
    const participants = live.participantNames;
    this.deps.bus.publish(events.map((event) => ({ event, participants })));
    if (live.ended) {
      this.timers.clear(live.id);
      this.live.delete(live.id);
      live.stop();
    } else {
      this.timers.arm(live.id, live.context.deadline);
    }
  }

  /** The deadline timer fired: TIMEOUT, or re-arm if it fired early. */
  private timeout(sessionId: string): void {
    const live = this.live.get(sessionId);
    if (!live) return;
    const at = this.now();
    const deadline = live.context.deadline;
    if (deadline !== null && at < deadline) {
      this.timers.arm(sessionId, deadline);
      return;
    }
    try {
      this.apply(live, {
        event: { type: 'TIMEOUT', at },
        audit: [{ ...SERVER_ACTOR, action: 'session.timeout', outcome: 'ok', sessionId, at }],
      });
    } catch (err) {
      // Never leave a session without a timer: try again shortly.
      this.deps.logger.error({ err, sessionId }, 'could not time out a session; retrying');
      if (this.live.has(sessionId)) this.timers.arm(sessionId, this.now() + TIMEOUT_RETRY_MS);
    }
  }

  /**
   * On start: every unfinished session from its stored snapshot; a sign session whose shares
   * were all in is aggregated; an overdue deadline times out at once.
   */
  restore(): number {
    let restored = 0;
    for (const row of unfinishedSessionRows(this.deps.db)) {
      try {
        const live = LiveSession.restore(row.id, row.kind, row.snapshot);
        if (row.kind === 'sign' && row.keyId) live.key = getKeyRow(this.deps.db, row.keyId);
        this.live.set(row.id, live);
        restored++;
        if (this.flowOf(live.kind).followUp(live, this.now())) {
          this.settle(live, this.now());
        }
        if (!live.ended) {
          const deadline = live.context.deadline;
          if (deadline !== null && deadline <= this.now()) this.timeout(row.id);
          else this.timers.arm(row.id, deadline);
        }
      } catch (err) {
        this.live.delete(row.id);
        this.deps.logger.error({ err, sessionId: row.id }, 'could not restore a session');
      }
    }
    return restored;
  }

  /** Shutdown: stop every timer and actor (the database keeps their state). */
  close(): void {
    this.timers.close();
    for (const live of this.live.values()) live.stop();
    this.live.clear();
  }
}
