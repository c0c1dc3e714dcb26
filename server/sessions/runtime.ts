import type Database from 'better-sqlite3';
import { SessionInputError } from '../../machines/index.js';
import type { AuditEntry } from '../../db/audit.js';
import { insertAuditRows } from '../../db/audit.js';
import { insertKeyBans } from '../../db/key-bans.js';
import { eraseEscrowsOfKey } from '../../db/escrow-erase.js';
import { getKeyRow, insertEscrows, insertKeyRow, setKeyStatus } from '../../db/keys.js';
import type { Db } from '../../db/open.js';
import { connectionOf } from '../../db/prepared.js';
import type { Queryable } from '../../db/queryable.js';
import {
  insertSessionEvents,
  lastSessionEventId,
  type NewSessionEvent,
} from '../../db/session-events.js';
import {
  getSessionRow,
  insertSessionRow,
  unfinishedSessionHeads,
  writeSessionRow,
  type NewSessionRow,
  type SessionRowWrite,
} from '../../db/sessions.js';
import { AppError } from '../../protocol/errors.js';
import type { SessionInputBase, TimedEvent } from '../../protocol/session/common.js';
import type {
  AnyNotification,
  KeyRecord,
  RunningOnKey,
} from '../../protocol/session/description.js';
import type { SessionView } from '../../protocol/session-view.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import { CommitQueue } from './commit-queue.js';
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
  /** The key's rows, written with the transition. */
  store?: (db: Db) => void;
}

const onKey = (kind: string, keyId: string | null) =>
  keyId === null ? undefined : { keyId, kind };

/** The newest event of `live` as the API spells it. */
const lastEventIdOf = (live: LiveSession) =>
  live.row.lastEventId === null ? null : String(live.row.lastEventId);

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
 * Transitions committed in one transaction at most (group commit: commit-queue.ts); a fuller
 * batch commits at once rather than at the end of the macrotask.
 */
export const MAX_COMMIT_BATCH = 64;

/**
 * The session runtime: one XState actor per running session, whatever its protocol. A
 * transition is taken in memory and its writes — its session row, the `session_events` rows of
 * what it emitted and its audit rows — are queued for the group commit (commit-queue.ts): the
 * transitions of one turn of the event loop, of any sessions, share one SQLite transaction.
 * A transition is acknowledged — the caller's promise resolves, subscribers hear of it, its
 * deadline is re-armed — only after the transaction holding it commits; if that fails, every
 * session in it closes its actor, which opens again from the stored (committed) snapshot, and
 * every caller gets the error (docs/sessions.md, Durability). A create is queued the same way
 * (a second create of its id waits for it: `creating`). Deadlines are re-armed from the stored
 * absolute time, also after a restart.
 *
 * Every running session is in `running` (counted for the caps); its actor is opened when it is
 * first needed (`get`): at start-up only the deadlines are armed (docs/sessions.md, Restarts).
 */
export class SessionRuntime {
  /** Running sessions whose actor is open. */
  private readonly live = new Map<string, LiveSession>();
  private readonly all = new RunningSessions();
  private readonly timers: DeadlineTimers;
  private readonly sqlite: Database.Database;
  private readonly commits: CommitQueue;
  /** Creates queued and not yet committed or failed, by session id (`creating`). */
  private readonly creates = new Map<string, Promise<void>>();

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
      /** Transitions per group commit at most (default MAX_COMMIT_BATCH; 1: one each). */
      maxCommitBatch?: number;
    },
  ) {
    this.timers = new DeadlineTimers((id) => this.timeout(id), deps.clock);
    this.sqlite = connectionOf(deps.db);
    this.commits = new CommitQueue(this.sqlite, {
      maxBatch: deps.maxCommitBatch ?? MAX_COMMIT_BATCH,
      onCallbackError: (err) => deps.logger.error({ err }, 'a session commit callback failed'),
    });
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
   * MAX_OPEN_SESSIONS. Only an actor whose transitions are all committed closes (what it holds
   * is in the database); its deadline timer stays armed by id.
   */
  private keepOpen(live: LiveSession): void {
    this.live.set(live.id, live);
    for (const [id, oldest] of this.live) {
      if (this.live.size <= MAX_OPEN_SESSIONS) break;
      if (id === live.id || oldest.uncommitted > 0) continue;
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

  /** The running sessions of a key, those whose create is not committed yet included. */
  runningOn(keyId: string): RunningOnKey[] {
    return this.all.onKey(keyId);
  }

  /** Throws TOO_MANY_SESSIONS unless `coordinator` may start another session now. */
  admit(coordinator: string): void {
    if (this.deps.limits) this.all.admit(coordinator, this.deps.limits);
  }

  /**
   * Starts a session: its row, invitations and first phase_changed, queued for the group commit
   * like a transition; resolves with its view once committed. It counts as running (caps) and
   * its actor is open from now on, so a transition taken before the commit queues behind it;
   * if the commit fails, the session never existed. A second create of the same id waits for
   * the first (`creating`).
   */
  create(
    protocol: RegisteredProtocol,
    input: SessionInputBase,
    base: SessionRowBase,
    audit: AuditEntry[],
    key?: KeyRecord,
  ): Promise<SessionView> {
    const at = input.at;
    const row = {
      label: base.label ?? null,
      keyId: base.keyId ?? null,
      message: base.message ?? null,
      result: null,
      updatedAt: at,
      lastEventId: null,
    };
    if (this.all.has(input.sessionId)) throw new Error(`session ${input.sessionId} exists`);
    let live: LiveSession;
    try {
      live = LiveSession.create(protocol, input, row);
    } catch (err) {
      if (err instanceof SessionInputError) throw new AppError('BAD_REQUEST', err.message);
      throw err;
    }
    live.key = key;
    let events: NewSessionEvent[];
    try {
      events = this.eventRows(live, live.take(), null, at);
    } catch (err) {
      live.stop();
      throw err;
    }
    const { json } = live.serialize();
    const context = live.context;
    const sessionRow: NewSessionRow = {
      id: live.id,
      kind: live.kind,
      scheme: input.scheme,
      threshold: input.threshold,
      coordinator: input.coordinator,
      ...base,
      state: live.state,
      snapshot: JSON.parse(json) as unknown,
      deadline: context.deadline,
      waitingFor: context.waitingFor,
      error: (context.error ?? null) as Record<string, unknown> | null,
      updatedAt: at,
      createdAt: at,
    };
    const view = liveView(live);
    const reached = { ended: live.ended, deadline: context.deadline };
    live.markWritten(json);
    this.keepOpen(live);
    this.all.add(live.id, input.coordinator, onKey(live.kind, row.keyId));
    const created = this.queue(
      live,
      () => {
        insertSessionRow(this.deps.db, sessionRow);
        insertAuditRows(this.sqlite, audit);
        return insertSessionEvents(this.sqlite, events);
      },
      (published) => {
        this.afterCommit(live, published, null, at, reached);
        return { ...view, lastEventId: lastEventIdOf(live) };
      },
      () => {
        this.all.delete(live.id);
        this.timers.clear(live.id);
      },
    );
    const settled = created.then(
      () => undefined,
      () => undefined,
    );
    this.creates.set(live.id, settled);
    void settled.then(() => this.creates.delete(live.id));
    return created;
  }

  /** A create of `sessionId` queued and not yet committed or failed: settles when it is. */
  creating(sessionId: string): Promise<void> | undefined {
    return this.creates.get(sessionId);
  }

  /**
   * Queues `write` for the group commit as a transition of `live`: `committed` turns what it
   * wrote into the caller's answer; if the commit fails, the actor closes (`reopenLater`),
   * `failed` undoes what the runtime holds of it, and the caller gets the error.
   */
  private queue<T>(
    live: LiveSession,
    write: () => T,
    committed: (written: T) => SessionView,
    failed?: () => void,
  ): Promise<SessionView> {
    live.uncommitted++;
    return new Promise<SessionView>((resolve, reject) => {
      this.commits.enqueue({
        key: live.id,
        write,
        committed: (written) => {
          live.uncommitted--;
          resolve(committed(written));
        },
        failed: (err) => {
          live.uncommitted--;
          this.reopenLater(live);
          failed?.();
          reject(err);
        },
      });
    });
  }

  /**
   * Sends `step.event` (refused → typed AppError, nothing changes), then the runtime's own
   * follow-up events (aggregation), and resolves with the view once the transaction holding it
   * all has committed (group commit: commit-queue.ts).
   */
  async apply(live: LiveSession, step: Step): Promise<SessionView> {
    const rejection = live.explain(step.event);
    if (rejection) throw rejectionError(rejection);
    try {
      live.send(step.event);
      // Not awaited here: a failed commit is not undone by `rollback` (see reopenLater).
      return this.settle(live, step.event.at, step);
    } catch (err) {
      live.rollback();
      throw err;
    }
  }

  /**
   * Runs follow-ups and queues what the live session did since its last transition: every row
   * is computed now, from the state this transition reached (a later transition of the same
   * session may be taken before the commit); the commit only inserts them.
   */
  private settle(live: LiveSession, at: number, step?: Step): Promise<SessionView> {
    const { checks } = live.protocol;
    const followUp = () => checks.followUp?.(live.facts(this.deps.network, at)) ?? null;
    for (let next = followUp(); next; next = followUp()) {
      const refused = live.explain(next);
      if (refused) throw new Error(`runtime event ${next.type} refused: ${refused.message}`);
      live.send(next);
    }
    const notifications = live.take();
    const { json, changed } = live.serialize();
    const { state, context, ended } = live;
    const audit = [...(step?.audit ?? [])];
    if (ended) {
      const error = context.error;
      audit.push({
        ...SERVER_ACTOR,
        action: 'session.end',
        outcome: state,
        sessionId: live.id,
        detail: error ? { code: error.code, culprits: error.culprits } : {},
        at,
      });
    }
    const done = state === 'completed' ? this.complete(live, at) : null;
    const bans = state === 'failed' ? this.bans(live, at) : null;
    const keyChange = ended ? this.keyAtEnd(live, at) : null;
    const events = this.eventRows(live, notifications, done, at);
    const row: SessionRowWrite = { updatedAt: at };
    // An unchanged snapshot leaves state, deadline, waitingFor and error as they are too.
    if (changed || done) {
      row.moved = {
        state,
        snapshotJson: json,
        deadline: context.deadline,
        waitingFor: context.waitingFor,
        error: (context.error ?? null) as Record<string, unknown> | null,
        result: done?.result ?? null,
        keyId: done?.keyId ?? null,
      };
    }
    const view: SessionView = {
      ...liveView(live),
      updatedAt: at,
      ...(done ? { result: done.result } : {}),
      ...(done?.keyId ? { keyId: done.keyId } : {}),
    };
    const write = () => {
      done?.store?.(this.deps.db);
      bans?.(this.deps.db);
      keyChange?.(this.deps.db);
      writeSessionRow(this.sqlite, live.id, row);
      step?.write?.(this.deps.db);
      insertAuditRows(this.sqlite, audit);
      return insertSessionEvents(this.sqlite, events);
    };
    live.markWritten(json);
    return this.queue(live, write, (published) => {
      this.afterCommit(live, published, done, at, { ended, deadline: context.deadline });
      return { ...view, lastEventId: lastEventIdOf(live) };
    });
  }

  /**
   * A commit holding a transition of `live` failed: its actor is ahead of the database, so it
   * closes, and opens again from the stored snapshot (what was committed) when next needed, as
   * after an eviction or a restart. Its deadline timer stays armed by id.
   */
  private reopenLater(live: LiveSession): void {
    if (this.live.get(live.id) === live) this.live.delete(live.id);
    live.stop();
  }

  /** The protocol's result; a key it creates is stored, with its holders' escrow blobs, by `store`. */
  private complete(live: LiveSession, at: number): Completed {
    const facts = live.facts(this.deps.network, at);
    const { result, key } = live.protocol.checks.complete(facts);
    if (!key) return { result };
    const { escrows, ...columns } = key;
    const keyId = facts.newKeyId;
    const coordinator = live.context.coordinator;
    const store = (db: Db) => {
      insertKeyRow(db, {
        id: keyId,
        ...columns,
        keygenSessionId: live.id,
        coordinator,
        createdAt: at,
      });
      insertEscrows(db, keyId, escrows, at);
    };
    return { result, keyId, store };
  }

  /** Who a failed session bars from its key's later sessions, written with the transition. */
  private bans(live: LiveSession, at: number): ((db: Db) => void) | null {
    const barred = live.protocol.checks.bansOnFailure?.(live.facts(this.deps.network, at));
    if (!barred || barred.names.length === 0) return null;
    const code = live.context.error?.code ?? 'FAILED';
    return (db) =>
      insertKeyBans(db, {
        keyId: barred.keyId,
        participants: barred.names,
        sessionId: live.id,
        code,
        at,
      });
  }

  /** What the session's end does to the key it works on (lifecycle), written with the transition. */
  private keyAtEnd(live: LiveSession, at: number): ((db: Db) => void) | null {
    const change = live.protocol.checks.keyAtEnd?.(live.facts(this.deps.network, at));
    if (!change) return null;
    return (db) => {
      setKeyStatus(db, change.keyId, change.status);
      if (change.eraseEscrows) eraseEscrowsOfKey(db, change.keyId);
    };
  }

  /** The rows of what the machine emitted, with the facts the protocol's checks add. */
  private eventRows(
    live: LiveSession,
    notifications: AnyNotification[],
    completed: Completed | null,
    at: number,
  ): NewSessionEvent[] {
    const { checks } = live.protocol;
    const facts = live.facts(this.deps.network, at);
    return notifications.map((n) => {
      const payload = { ...(n.payload as Record<string, unknown>), ...checks.decorate?.(facts, n) };
      if (n.type === 'session_completed' && completed) {
        payload.result = { ...(payload.result as object), ...completed.result };
      }
      return { sessionId: live.id, type: n.type, recipient: n.recipient, payload, createdAt: at };
    });
  }

  /**
   * The transition is durable: the live row facts, subscribers, the deadline. `reached` is the
   * state this transition reached (the actor may be further on, with a later one queued).
   */
  private afterCommit(
    live: LiveSession,
    events: ReturnType<typeof insertSessionEvents>,
    completed: Completed | null,
    at: number,
    reached: { ended: boolean; deadline: number | null },
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
    if (reached.ended) {
      this.timers.clear(live.id);
      this.live.delete(live.id);
      this.all.delete(live.id);
      live.stop();
    } else {
      this.timers.arm(live.id, reached.deadline);
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
    this.apply(live, {
      event: { type: 'TIMEOUT', at },
      audit: [{ ...SERVER_ACTOR, action: 'session.timeout', outcome: 'ok', sessionId, at }],
    }).catch((err: unknown) => {
      // Never leave a session without a timer: try again shortly.
      this.deps.logger.error({ err, sessionId }, 'could not time out a session; retrying');
      if (this.all.has(sessionId)) this.timers.arm(sessionId, this.deps.clock() + TIMEOUT_RETRY_MS);
    });
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
    for (const { id, coordinator, kind, keyId, deadline, awaitsNobody } of heads) {
      this.all.add(id, coordinator, onKey(kind, keyId));
      if (deadline !== null && deadline <= now) overdue.push(id);
      else this.timers.arm(id, deadline);
      if (awaitsNobody) due.push(id);
    }
    for (const id of overdue) this.timeout(id);
    // A crash between a commit and its follow-up: opening the session runs the follow-up.
    for (const id of due) this.get(id);
    this.commits.flush(); // before the server listens
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
      if (protocol.checks.followUp?.(live.facts(network, now))) {
        // A failed commit closes the actor (reopenLater): the next use opens it and tries again.
        this.settle(live, now).catch((err: unknown) => {
          logger.error({ err, sessionId }, 'could not run the follow-up of a restored session');
        });
      }
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

  /** Shutdown: commit what is queued, then stop every timer and actor (the database keeps their state). */
  close(): void {
    this.commits.close();
    this.timers.close();
    for (const live of this.live.values()) live.stop();
    this.live.clear();
    this.all.clear();
  }
}
