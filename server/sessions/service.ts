import type { z } from 'zod';
import { recordAudit } from '../../db/audit.js';
import { escrowOf, getKeyRow, listKeyRows } from '../../db/keys.js';
import type { Db } from '../../db/open.js';
import { inboxEventsAfter, sessionEventsAfter } from '../../db/session-events.js';
import { countSessionsByState, getSessionRow, listSessionRows, type SessionRow } from '../../db/sessions.js';
import type { SessionKind } from '../../machines/index.js';
import { AppError } from '../../protocol/errors.js';
import type { Principal } from '../../protocol/identity.js';
import type { CreateSessionResult, KeyView, SessionView } from '../../protocol/session-view.js';
import type {
  AbortInputSchema,
  InboxInputSchema,
  ListInputSchema,
  RespondInputSchema,
  SubmitInputSchema,
  WatchInputSchema,
} from '../../protocol/sessions.js';
import type { ServeConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { canSeeKey, canSeeSession, keyNotFound, sessionNotFound, visibility } from './access.js';
import { EventBus } from './bus.js';
import { createKeygen, createSign, type KeygenCreate, type SignCreate } from './create.js';
import { IdentityService } from './identities.js';
import { keygenFlow } from './keygen-flow.js';
import type { LiveSession } from './live-session.js';
import type { SessionFlow } from './session-flow.js';
import { SessionRuntime, type Step } from './runtime.js';
import { signFlow } from './sign-flow.js';
import { trackedEvents, type Connection } from './streams.js';
import { keyView, sessionView } from './view.js';

export interface SessionServiceDeps {
  config: ServeConfig;
  logger: Logger;
  db: Db;
  metrics: Metrics;
}

/** Where a subscription is delivered and when it ends. */
export interface StreamTarget {
  connection?: Connection | undefined;
  signal?: AbortSignal | undefined;
}

type Input<T extends z.ZodType> = z.output<T>;

/**
 * Threshold sessions (SPEC §5): creation, answers, submissions, abort, views, keys and the
 * resumable event streams, with the authorisation rules of access.ts. The runtime does the
 * transitions; this class decides who may ask for them.
 */
export class SessionService {
  readonly bus = new EventBus();
  readonly runtime: SessionRuntime;
  readonly identities: IdentityService;
  private readonly flows: Record<SessionKind, SessionFlow>;
  private tooSlow = 0;

  constructor(private readonly deps: SessionServiceDeps) {
    this.flows = { keygen: keygenFlow({ network: deps.config.network }), sign: signFlow({ db: deps.db }) };
    this.runtime = new SessionRuntime({ db: deps.db, logger: deps.logger, bus: this.bus, flows: this.flows });
    this.identities = new IdentityService(deps.db);
  }

  /** Restores unfinished sessions and re-arms their deadlines. */
  start(): void {
    const restored = this.runtime.restore();
    if (restored > 0) this.deps.logger.info({ restored }, 'restored unfinished sessions');
  }

  close(): void {
    this.runtime.close();
  }

  /** Sessions by kind and state, read from SQLite (for the metrics scrape). */
  countByState() {
    return countSessionsByState(this.deps.db);
  }

  /** Live counters for tests and diagnostics. */
  stats(): { running: number; subscribers: number; disconnectedTooSlow: number } {
    return { running: this.runtime.running, subscribers: this.bus.size, disconnectedTooSlow: this.tooSlow };
  }

  createKeygen(principal: Principal, input: KeygenCreate): CreateSessionResult {
    return createKeygen(this.createDeps(), principal, input);
  }

  createSign(principal: Principal, input: SignCreate): CreateSessionResult {
    return createSign(this.createDeps(), principal, input);
  }

  get(principal: Principal, sessionId: string): SessionView {
    return sessionView(this.visibleRow(principal, sessionId));
  }

  list(principal: Principal, input: Input<typeof ListInputSchema>): SessionView[] {
    return listSessionRows(this.deps.db, {
      kind: input?.kind,
      state: input?.state,
      limit: input?.limit ?? 100,
      ...visibility(principal),
    }).map(sessionView);
  }

  respond(principal: Principal, input: Input<typeof RespondInputSchema>): SessionView {
    const { sessionId, accept, reason } = input;
    return this.audited(principal, 'session.respond', sessionId, { accept, reason: reason ?? null }, () => {
      const live = this.liveForParticipant(principal, sessionId);
      const at = Date.now();
      return this.apply(live, {
        event: { type: 'RESPOND', participant: principal.sub, accept, ...(reason ? { reason } : {}), at },
        audit: [this.auditRow(principal, 'session.respond', sessionId, accept ? 'accepted' : 'rejected', { reason: reason ?? null }, at)],
      });
    });
  }

  submit(principal: Principal, input: Input<typeof SubmitInputSchema>): SessionView {
    const { sessionId, submission } = input;
    const detail = {
      kind: submission.kind,
      ...('commitRound' in submission ? { commitRound: submission.commitRound } : {}),
      ...(submission.kind === 'complaint' ? { accused: submission.accused } : {}),
    };
    return this.audited(principal, 'session.submit', sessionId, detail, () => {
      const live = this.liveForParticipant(principal, sessionId);
      const at = Date.now();
      const checked = this.flows[live.kind].check(live, principal.sub, submission, at);
      return this.apply(live, {
        event: checked.event,
        write: checked.write,
        audit: [this.auditRow(principal, 'session.submit', sessionId, 'ok', detail, at)],
      });
    });
  }

  abort(principal: Principal, input: Input<typeof AbortInputSchema>): SessionView {
    const { sessionId, reason } = input;
    return this.audited(principal, 'session.abort', sessionId, { reason: reason ?? null }, () => {
      const row = this.visibleRow(principal, sessionId);
      if (principal.role === 'participant') {
        throw new AppError('FORBIDDEN', `only the coordinator of ${sessionId} or an admin may abort it`);
      }
      const live = this.liveOf(row);
      const at = Date.now();
      return this.apply(live, {
        event: { type: 'ABORT', by: principal.sub, ...(reason ? { reason } : {}), at },
        audit: [this.auditRow(principal, 'session.abort', sessionId, 'ok', { reason: reason ?? null }, at)],
      });
    });
  }

  /** session.watch: everyone's events of the session, plus those addressed to the caller. */
  watch(principal: Principal, input: Input<typeof WatchInputSchema>, target: StreamTarget) {
    const { sessionId } = input;
    this.visibleRow(principal, sessionId);
    const viewer = principal.sub;
    return trackedEvents({
      ...this.streamLimits(target),
      lastEventId: input.lastEventId,
      readAfter: (afterId, limit) =>
        sessionEventsAfter(this.deps.db, { sessionId, viewer, afterId, limit }),
      accepts: ({ event }) =>
        event.sessionId === sessionId && (event.recipient === null || event.recipient === viewer),
    });
  }

  /** participant.inbox: everything addressed to the caller, in every session naming it. */
  inbox(principal: Principal, input: Input<typeof InboxInputSchema>, target: StreamTarget) {
    const participant = principal.sub;
    return trackedEvents({
      ...this.streamLimits(target),
      lastEventId: input?.lastEventId,
      readAfter: (afterId, limit) => inboxEventsAfter(this.deps.db, { participant, afterId, limit }),
      accepts: ({ event, participants }) =>
        event.recipient === participant ||
        (event.recipient === null && participants.includes(participant)),
    });
  }

  getKey(principal: Principal, keyId: string): KeyView {
    const row = getKeyRow(this.deps.db, keyId);
    if (!row || !canSeeKey(principal, row)) throw keyNotFound(keyId);
    return keyView(row, this.ownEscrow(principal, row.id));
  }

  listKeys(principal: Principal, limit: number): KeyView[] {
    return listKeyRows(this.deps.db, { ...visibility(principal), limit }).map((row) =>
      keyView(row, this.ownEscrow(principal, row.id)),
    );
  }

  private ownEscrow(principal: Principal, keyId: string): string | undefined {
    if (principal.role !== 'participant') return undefined;
    return escrowOf(this.deps.db, keyId, principal.sub);
  }

  private streamLimits(target: StreamTarget) {
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

  private createDeps() {
    return { db: this.deps.db, config: this.deps.config, runtime: this.runtime };
  }

  private apply(live: LiveSession, step: Step): SessionView {
    return sessionView(this.runtime.apply(live, step));
  }

  private visibleRow(principal: Principal, sessionId: string): SessionRow {
    const row = getSessionRow(this.deps.db, sessionId);
    if (!row || !canSeeSession(principal, row)) throw sessionNotFound(sessionId);
    return row;
  }

  private liveOf(row: SessionRow): LiveSession {
    const live = this.runtime.get(row.id);
    if (!live) throw new AppError('SESSION_FINISHED', `session ${row.id} has ended (${row.state})`);
    return live;
  }

  /** A session the caller acts in as a participant: it must name the caller. */
  private liveForParticipant(principal: Principal, sessionId: string): LiveSession {
    const row = getSessionRow(this.deps.db, sessionId);
    if (!row || !row.participants.includes(principal.sub)) throw sessionNotFound(sessionId);
    return this.liveOf(row);
  }

  private auditRow(principal: Principal, action: string, sessionId: string, outcome: string, detail: Record<string, unknown>, at: number) {
    return { actor: principal.sub, role: principal.role, action, outcome, sessionId, detail, at };
  }

  /** Runs `fn`; a refusal (typed error, nothing changed) is written to the audit log too. */
  private audited<T>(principal: Principal, action: string, sessionId: string, detail: Record<string, unknown>, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof AppError) {
        recordAudit(this.deps.db, this.auditRow(principal, action, sessionId, `refused: ${err.code}`, detail, Date.now()));
      }
      throw err;
    }
  }
}
