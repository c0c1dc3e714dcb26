import { SessionInputError } from '../../machines/index.js';
import type { AuditEntry } from '../../db/audit.js';
import { recordAudit } from '../../db/audit.js';
import { getKeyRow, insertEscrows, insertKeyRow } from '../../db/keys.js';
import type { Db } from '../../db/open.js';
import type { Queryable } from '../../db/queryable.js';
import { insertSessionEvents, lastSessionEventId } from '../../db/session-events.js';
import {
  getSessionRow,
  insertSessionRow,
  unfinishedSessionHeads,
  updateSessionRow,
  type NewSessionRow,
  type SessionRowPatch,
} from '../../db/sessions.js';
import { AppError } from '../../protocol/errors.js';
import type { SessionInputBase, TimedEvent } from '../../protocol/session/common.js';
import type { AnyNotification, KeyRecord } from '../../protocol/session/description.js';
import type { SessionView } from '../../protocol/session-view.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import { DeadlineTimers } from './deadlines.js';
import { LiveSession } from './live-session.js';
import type { ProtocolRegistry, RegisteredProtocol } from './protocols.js';
import { rejectionError } from './rejections.js';
import { RunningSessions, type RunningLimits } from './running.js';
import { liveView } from './view.js';

/** One transition asked for from outside (a participant, the coordinator, the clock). */
export interface Step {
  event: TimedEvent;
  audit: AuditEntry[];
  /** Extra rows written in the same transaction. */
  write?: ((tx: Queryable) => void) | undefined;
}

/** Fixed columns of a new sessions row (the rest come from the machine's snapshot). */
export type SessionRowBase = Pick<
  NewSessionRow,
  'label' | 'keyId' | 'message' | 'requestHash' | 'participants'
>;

/** What completing a session produced: its result and, for a keygen, the key it created. */
interface Completed {
  result: Record<string, unknown>;
  keyId?: string;
}

const SERVER_ACTOR = { actor: 'sigsocket', role: 'server' } as const;
/** Delay before retrying a TIMEOUT whose transaction failed. */
const TIMEOUT_RETRY_MS = 1_000;
/**
 * Actors kept open at most; the least recently used beyond it is closed and opens again from
 * its snapshot when next needed, as after a restart, so memory is bounded by this rather than
 * by the running sessions (docs/reliability.md, Limits).
 */
export const MAX_OPEN_SESSIONS = 256;

/**
 * The session runtime: one XState actor per running session, whatever its protocol. Every
 * transition — its session row, the `session_events` rows of what it emitted and its audit
 * rows — is one SQLite transaction (better-sqlite3 is synchronous, so a transition is never
 * interleaved with another); subscribers hear of it only after commit. Deadlines are re-armed
 * from the stored absolute time, also after a restart.
 *
 * Every running session is in `running` (counted for the caps); its actor is opened when it is
 * first needed (`get`): at start-up only the deadlines are armed (docs/sessions.md, Restarts).
 */
export class SessionRuntime {
  /** Running sessions whose actor is open. */
  private readonly live = new Map<string, LiveSession>();
  private readonly all = new RunningSessions();
  private readonly timers: DeadlineTimers;

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      bus: EventBus;
      protocols: ProtocolRegistry;
      /** Bitcoin network of the addresses completed keys get. */
      network: string;
      clock: Clock;
      /** Running-session caps (default: none). */
      limits?: RunningLimits;
    },
  ) {
    this.timers = new DeadlineTimers((id) => this.timeout(id), deps.clock);
  }

  /** The running session, its actor opened from the stored snapshot on first use. */
  get(sessionId: string): LiveSession | undefined {
    const open = this.live.get(sessionId);
    if (!open) return this.all.has(sessionId) ? this.hydrate(sessionId) : undefined;
    this.live.delete(sessionId); // most recently used last
    this.live.set(sessionId, open);
    return open;
  }

  /**
   * Opens `live` as the most recently used actor and closes the least recently used beyond
   * MAX_OPEN_SESSIONS. Safe between transitions: everything an actor holds is committed (the
   * runtime is synchronous), its deadline timer stays armed by id.
   */
  private keepOpen(live: LiveSession): void {
    this.live.set(live.id, live);
    for (const [id, oldest] of this.live) {
      if (this.live.size <= MAX_OPEN_SESSIONS) break;
      if (id === live.id) continue;
      this.live.delete(id);
      oldest.stop();
    }
  }

  get running(): number {
    return this.all.size;
  }

  /** Running sessions whose actor is open (the rest wait in the database). */
  get hydrated(): number {
    return this.live.size;
  }

  /** Throws TOO_MANY_SESSIONS unless `coordinator` may start another session now. */
  admit(coordinator: string): void {
    if (this.deps.limits) this.all.admit(coordinator, this.deps.limits);
  }

  /** Starts a session: its row, invitations and first phase_changed in one transaction. */
  create(
    protocol: RegisteredProtocol,
    input: SessionInputBase,
    base: SessionRowBase,
    audit: AuditEntry[],
    key?: KeyRecord,
  ): SessionView {
    const at = input.at;
    const row = {
      label: base.label ?? null,
      keyId: base.keyId ?? null,
      message: base.message ?? null,
      result: null,
      updatedAt: at,
      lastEventId: null,
    };
    let live: LiveSession;
    try {
      live = LiveSession.create(protocol, input, row);
    } catch (err) {
      if (err instanceof SessionInputError) throw new AppError('BAD_REQUEST', err.message);
      throw err;
    }
    live.key = key;
    try {
      const notifications = live.take();
      const persisted = live.persisted();
      const published = this.deps.db.transaction((tx) => {
        insertSessionRow(tx, {
          id: live.id,
          kind: live.kind,
          scheme: input.scheme,
          threshold: input.threshold,
          coordinator: input.coordinator,
          ...base,
          ...this.rowPatch(live, persisted, at),
          createdAt: at,
        });
        for (const entry of audit) recordAudit(tx, entry);
        return this.storeEvents(tx, live, notifications, null, at);
      });
      live.commit(persisted);
      this.keepOpen(live);
      this.all.add(live.id, input.coordinator);
      this.afterCommit(live, published, null, at);
      return liveView(live);
    } catch (err) {
      live.stop();
      throw err;
    }
  }

  /**
   * Sends `step.event` (refused → typed AppError, nothing changes), then the runtime's own
   * follow-up events (aggregation), commits it all in one transaction and returns the view.
   */
  apply(live: LiveSession, step: Step): SessionView {
    const rejection = live.explain(step.event);
    if (rejection) throw rejectionError(rejection);
    try {
      live.send(step.event);
      this.settle(live, step.event.at, step);
      return liveView(live);
    } catch (err) {
      live.rollback();
      throw err;
    }
  }

  /** Runs follow-ups and commits what the live session emitted since its last commit. */
  private settle(live: LiveSession, at: number, step?: Step): void {
    const { checks } = live.protocol;
    const followUp = () => checks.followUp?.(live.facts(this.deps.network, at)) ?? null;
    for (let next = followUp(); next; next = followUp()) {
      const refused = live.explain(next);
      if (refused) throw new Error(`runtime event ${next.type} refused: ${refused.message}`);
      live.send(next);
    }
    const notifications = live.take();
    const persisted = live.persisted();
    const audit = [...(step?.audit ?? [])];
    if (live.ended) {
      const error = live.context.error;
      audit.push({
        ...SERVER_ACTOR,
        action: 'session.end',
        outcome: live.state,
        sessionId: live.id,
        detail: error ? { code: error.code, culprits: error.culprits } : {},
        at,
      });
    }
    const { published, completed } = this.deps.db.transaction((tx) => {
      const done = live.state === 'completed' ? this.complete(tx, live, at) : null;
      updateSessionRow(tx, live.id, {
        ...this.rowPatch(live, persisted, at),
        ...(done ? { result: done.result } : {}),
        ...(done?.keyId ? { keyId: done.keyId } : {}),
      });
      step?.write?.(tx);
      for (const entry of audit) recordAudit(tx, entry);
      return { published: this.storeEvents(tx, live, notifications, done, at), completed: done };
    });
    live.commit(persisted);
    this.afterCommit(live, published, completed, at);
  }

  /** The protocol's result; a key it creates is stored with its holders' escrow blobs. */
  private complete(tx: Queryable, live: LiveSession, at: number): Completed {
    const facts = live.facts(this.deps.network, at);
    const { result, key } = live.protocol.checks.complete(facts);
    if (!key) return { result };
    const { escrows, ...columns } = key;
    const keyId = facts.newKeyId;
    insertKeyRow(tx, {
      id: keyId,
      ...columns,
      keygenSessionId: live.id,
      coordinator: live.context.coordinator,
      createdAt: at,
    });
    insertEscrows(tx, keyId, escrows, at);
    return { result, keyId };
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

  /** Stores what the machine emitted, with the facts the protocol's checks add. */
  private storeEvents(
    tx: Queryable,
    live: LiveSession,
    notifications: AnyNotification[],
    completed: Completed | null,
    at: number,
  ) {
    const { checks } = live.protocol;
    const facts = live.facts(this.deps.network, at);
    const rows = notifications.map((n) => {
      const payload = { ...(n.payload as Record<string, unknown>), ...checks.decorate?.(facts, n) };
      if (n.type === 'session_completed' && completed) {
        payload.result = { ...(payload.result as object), ...completed.result };
      }
      return { sessionId: live.id, type: n.type, recipient: n.recipient, payload, createdAt: at };
    });
    return insertSessionEvents(tx, rows);
  }

  private afterCommit(
    live: LiveSession,
    events: ReturnType<typeof insertSessionEvents>,
    completed: Completed | null,
    at: number,
  ): void {
    const row = live.row;
    row.updatedAt = at;
    row.lastEventId = events.at(-1)?.id ?? row.lastEventId;
    if (completed) {
      row.result = completed.result;
      if (completed.keyId) row.keyId = completed.keyId;
    }
    const participants = live.participantNames;
    this.deps.bus.publish(events.map((event) => ({ event, participants })));
    if (live.ended) {
      this.timers.clear(live.id);
      this.live.delete(live.id);
      this.all.delete(live.id);
      live.stop();
    } else {
      this.timers.arm(live.id, live.context.deadline);
    }
  }

  /** The deadline timer fired: TIMEOUT, or re-arm if it fired early. */
  private timeout(sessionId: string): void {
    const live = this.get(sessionId);
    if (!live) return;
    const at = this.deps.clock();
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
      if (this.all.has(sessionId)) this.timers.arm(sessionId, this.deps.clock() + TIMEOUT_RETRY_MS);
    }
  }

  /**
   * On start: every unfinished session is counted and its deadline armed, from one query that
   * reads no snapshot; an overdue one times out at once (before the server listens), and one
   * that awaits nobody is opened, so a follow-up that was due when the server stopped runs. The
   * rest open their actor on first use (`get`, also when their deadline fires).
   */
  restore(): number {
    const now = this.deps.clock();
    const overdue: string[] = [];
    const due: string[] = [];
    const heads = unfinishedSessionHeads(this.deps.db);
    for (const { id, coordinator, deadline, awaitsNobody } of heads) {
      this.all.add(id, coordinator);
      if (deadline !== null && deadline <= now) overdue.push(id);
      else this.timers.arm(id, deadline);
      if (awaitsNobody) due.push(id);
    }
    for (const id of overdue) this.timeout(id);
    // A crash between a commit and its follow-up: opening the session runs the follow-up.
    for (const id of due) this.get(id);
    return heads.length;
  }

  /**
   * Opens the actor of a restored session from its stored snapshot; one whose follow-up is due
   * (a signing whose shares were all in) gets it. A session that cannot be restored is logged
   * and stops counting as running (callers see it as ended).
   */
  private hydrate(sessionId: string): LiveSession | undefined {
    const { db, protocols, network, clock, logger } = this.deps;
    try {
      const row = getSessionRow(db, sessionId);
      if (!row) throw new Error('its row is gone');
      const protocol = protocols.find(row.kind);
      if (!protocol) throw new Error(`no protocol ${row.kind} is registered`);
      const facts = {
        label: row.label ?? null,
        keyId: row.keyId ?? null,
        message: row.message ?? null,
        result: row.result ?? null,
        updatedAt: row.updatedAt,
        lastEventId: lastSessionEventId(db, row.id),
      };
      const live = LiveSession.restore(row.id, protocol, row.snapshot, facts);
      if (row.keyId) live.key = getKeyRow(db, row.keyId);
      if (live.ended) {
        live.stop();
        throw new Error(`its snapshot has ended (${row.state})`);
      }
      this.keepOpen(live);
      const now = clock();
      if (protocol.checks.followUp?.(live.facts(network, now))) this.settle(live, now);
      return this.live.get(sessionId);
    } catch (err) {
      this.live.get(sessionId)?.stop();
      this.live.delete(sessionId);
      this.all.delete(sessionId);
      this.timers.clear(sessionId);
      logger.error({ err, sessionId }, 'could not restore a session');
      return undefined;
    }
  }

  /** Shutdown: stop every timer and actor (the database keeps their state). */
  close(): void {
    this.timers.close();
    for (const live of this.live.values()) live.stop();
    this.live.clear();
    this.all.clear();
  }
}
