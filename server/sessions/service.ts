import { DESTROY_KIND } from '../../protocol/lifecycle/destroy-types.js';
import type { KeyDestroyInput } from '../../protocol/lifecycle/messages.js';
import { THRESHOLD_SCHEMES } from '../../protocol/threshold-schemes.js';
import type { z } from 'zod';
import type { AuditEntry } from '../../db/audit.js';
import { getKeyRow } from '../../db/keys.js';
import type { Db } from '../../db/open.js';
import {
  countSessionsByState,
  getSessionRow,
  listSessionSummaries,
  type SessionRow,
} from '../../db/sessions.js';
import { AppError } from '../../protocol/errors.js';
import { describeIssues } from '../../protocol/validation.js';
import type { Principal } from '../../protocol/identity.js';
import type {
  CreateSessionResult,
  SessionSummary,
  SessionView,
} from '../../protocol/session-view.js';
import {
  DEFAULT_LIST_LIMIT,
  type AbortInputSchema,
  type InboxInputSchema,
  type ListInputSchema,
  type RespondInputSchema,
  type SubmitInputSchema,
  type WatchInputSchema,
} from '../../protocol/sessions.js';
import type { ProtocolDefinition } from '../../protocol/session/description.js';
import { systemClock, type Clock } from '../clock.js';
import type { ServeConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { canSeeSession, sessionNotFound, visibility } from './access.js';
import type { KeygenCreate } from '../../protocol/frost/sessions/keygen-checks.js';
import type { SignCreate } from '../../protocol/frost/sessions/sign-checks.js';
import { admit, type CheckedSubmission } from './admit.js';
import { createSession } from './create.js';
import { EventStreams, type StreamTarget } from './event-streams.js';
import { IdentityService } from './identities.js';
import { KeyService } from './key-service.js';
import type { LiveSession } from './live-session.js';
import { SessionRuntime } from './runtime.js';
import { BUILT_IN_PROTOCOLS, ProtocolRegistry, sessionKindFor } from './protocols.js';
import { sessionView } from './view.js';

export interface SessionServiceDeps {
  config: ServeConfig;
  logger: Logger;
  db: Db;
  metrics: Metrics;
  clock?: Clock;
  /** The protocols sessions may run (default: FROST keygen and signing). */
  protocols?: readonly ProtocolDefinition[];
  /** Where refusals are audited: in batches, so a burst of them costs one transaction. */
  audit: { record(entry: AuditEntry): void };
}

type Input<T extends z.ZodType> = z.output<T>;

/** What a caller asks for, for the audit log (refusals are written too). */
interface Request {
  action: string;
  sessionId: string;
  detail: Record<string, unknown>;
  /** Outcome recorded on success (default `ok`). */
  outcome?: string;
}

/**
 * Threshold sessions (docs/sessions.md): creation, answers, submissions, abort and views, for
 * every registered protocol alike, with the authorisation rules of access.ts; keys, identities
 * and event streams hang off it. The runtime does the transitions; this class decides who may
 * ask for them.
 */
export class SessionService {
  readonly runtime: SessionRuntime;
  readonly identities: IdentityService;
  readonly keys: KeyService;
  readonly streams: EventStreams;
  readonly protocols: ProtocolRegistry;
  private readonly clock: Clock;

  constructor(private readonly deps: SessionServiceDeps) {
    this.clock = deps.clock ?? systemClock;
    this.protocols = new ProtocolRegistry(deps.protocols ?? BUILT_IN_PROTOCOLS);
    this.streams = new EventStreams(deps);
    this.runtime = new SessionRuntime({
      db: deps.db,
      logger: deps.logger,
      bus: this.streams.bus,
      protocols: this.protocols,
      network: deps.config.network,
      clock: this.clock,
      limits: {
        total: deps.config.maxRunningSessions,
        perCoordinator: deps.config.maxRunningSessionsPerCoordinator,
      },
    });
    this.identities = new IdentityService(deps.db, this.clock, {
      perPrincipal: deps.config.maxChallengesPerPrincipal,
    });
    this.keys = new KeyService(deps.db, (keyId) => this.runtime.runningOn(keyId), this.clock);
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
    return {
      running: this.runtime.running,
      subscribers: this.streams.bus.size,
      disconnectedTooSlow: this.streams.disconnectedTooSlow,
    };
  }

  /**
   * Starts a session of any registered protocol; `request` is checked against the protocol's
   * own create schema (BAD_REQUEST naming every problem).
   */
  async create(principal: Principal, kind: string, request: unknown): Promise<CreateSessionResult> {
    const protocol = this.protocols.get(kind);
    const parsed = protocol.checks.createSchema.safeParse(request);
    if (!parsed.success) {
      const why = describeIssues(parsed.error, { under: 'request' });
      throw new AppError('BAD_REQUEST', `invalid input: ${why}`);
    }
    return this.auditedCreate(principal, kind, () =>
      createSession(this.createDeps(), principal, protocol, parsed.data),
    );
  }

  /** keygen.create: the request is already through its schema at the tRPC edge. */
  createKeygen(principal: Principal, input: KeygenCreate): Promise<CreateSessionResult> {
    const kind = sessionKindFor(input.scheme, 'keygen');
    return this.auditedCreate(principal, kind, () =>
      createSession(this.createDeps(), principal, this.protocols.get(kind), input),
    );
  }

  /** sign.create: likewise, the kind chosen by the key's scheme (an unknown key: NOT_FOUND). */
  createSign(principal: Principal, input: SignCreate): Promise<CreateSessionResult> {
    const scheme = getKeyRow(this.deps.db, input.keyId)?.scheme ?? '';
    const kind = sessionKindFor(scheme, 'sign');
    return this.auditedCreate(principal, kind, () =>
      createSession(this.createDeps(), principal, this.protocols.get(kind), input),
    );
  }

  /** key.destroy (docs/lifecycle.md): the request is already through its schema at the tRPC edge. */
  destroyKey(principal: Principal, input: KeyDestroyInput): Promise<CreateSessionResult> {
    return this.auditedCreate(principal, DESTROY_KIND, () =>
      createSession(this.createDeps(), principal, this.protocols.get(DESTROY_KIND), input),
    );
  }

  /** key.history: the key's keygen and lifecycle sessions (not its signings). */
  keyHistory(principal: Principal, keyId: string, limit: number): SessionSummary[] {
    const signing = new Set(THRESHOLD_SCHEMES.map((scheme) => sessionKindFor(scheme, 'sign')));
    const kinds = this.protocols.kinds.filter((kind) => !signing.has(kind));
    return this.keys.history(principal, keyId, kinds, limit);
  }

  get(principal: Principal, sessionId: string): SessionView {
    return sessionView(this.deps.db, this.visibleRow(principal, sessionId));
  }

  /** Summaries, newest first (docs/sessions.md, Listing sessions); session.get for the rest. */
  list(principal: Principal, input: Input<typeof ListInputSchema>): SessionSummary[] {
    return listSessionSummaries(this.deps.db, {
      kind: input?.kind,
      state: input?.state,
      limit: input?.limit ?? DEFAULT_LIST_LIMIT,
      ...visibility(principal),
    });
  }

  respond(principal: Principal, input: Input<typeof RespondInputSchema>): Promise<SessionView> {
    const { sessionId, accept, reason } = input;
    const request = {
      action: 'session.respond',
      sessionId,
      detail: { accept, reason: reason ?? null },
      outcome: accept ? 'accepted' : 'rejected',
    };
    return this.transition(principal, request, (at) => ({
      live: this.liveForParticipant(principal, sessionId),
      checked: {
        event: {
          type: 'RESPOND',
          participant: principal.sub,
          accept,
          ...(reason ? { reason } : {}),
          at,
        },
      },
    }));
  }

  submit(principal: Principal, input: Input<typeof SubmitInputSchema>): Promise<SessionView> {
    const { sessionId, submission } = input;
    // Only what the edge has checked: another protocol's submission is checked later.
    const commitRound = 'commitRound' in submission ? submission.commitRound : undefined;
    const detail = {
      kind: submission.kind,
      ...(typeof commitRound === 'number' ? { commitRound } : {}),
      ...(submission.kind === 'complaint' ? { accused: submission.accused } : {}),
    };
    if (!this.protocols.submissionKinds.has(submission.kind)) {
      const known = [...this.protocols.submissionKinds].join(', ');
      const why = `submission.kind: unknown submission kind ${submission.kind} (known: ${known})`;
      throw new AppError('BAD_REQUEST', `invalid input: ${why}`);
    }
    const deps = { db: this.deps.db, network: this.deps.config.network };
    return this.transition(principal, { action: 'session.submit', sessionId, detail }, (at) => {
      const live = this.liveForParticipant(principal, sessionId);
      return { live, checked: admit(live, deps, principal.sub, submission, at) };
    });
  }

  abort(principal: Principal, input: Input<typeof AbortInputSchema>): Promise<SessionView> {
    const { sessionId, reason } = input;
    const detail = { reason: reason ?? null };
    return this.transition(principal, { action: 'session.abort', sessionId, detail }, (at) => {
      const row = this.visibleRow(principal, sessionId);
      if (principal.role === 'participant') {
        const why = `only the coordinator of ${sessionId} or an admin may abort it`;
        throw new AppError('FORBIDDEN', why);
      }
      const event = {
        type: 'ABORT' as const,
        by: principal.sub,
        ...(reason ? { reason } : {}),
        at,
      };
      return { live: this.liveOf(row), checked: { event } };
    });
  }

  /** session.watch: the coordinator of the session, its participants, admins. */
  watch(principal: Principal, input: Input<typeof WatchInputSchema>, target: StreamTarget) {
    this.visibleRow(principal, input.sessionId);
    return this.streams.watch(principal.sub, input, target);
  }

  /** participant.inbox: every event addressed to the caller. */
  inbox(principal: Principal, input: Input<typeof InboxInputSchema>, target: StreamTarget) {
    return this.streams.inbox(principal, input, target);
  }

  /**
   * One audited transition for `principal`: `prepare` finds the session and builds the event
   * (throwing typed errors); a refusal changes nothing and is written to the audit log. The
   * answer waits for the group commit that holds the transition (runtime.ts).
   */
  private async transition(
    principal: Principal,
    request: Request,
    prepare: (at: number) => { live: LiveSession; checked: CheckedSubmission },
  ): Promise<SessionView> {
    const at = this.clock();
    const audit = (outcome: string): AuditEntry => ({
      actor: principal.sub,
      role: principal.role,
      action: request.action,
      outcome,
      sessionId: request.sessionId,
      detail: request.detail,
      at,
    });
    try {
      const { live, checked } = prepare(at);
      const step = { ...checked, audit: [audit(request.outcome ?? 'ok')] };
      return await this.runtime.apply(live, step);
    } catch (err) {
      if (err instanceof AppError) this.deps.audit.record(audit(`refused: ${err.code}`));
      throw err;
    }
  }

  /** A create that is refused (a cap, a conflict, an unknown participant…) is audited too. */
  private async auditedCreate(
    principal: Principal,
    kind: string,
    create: () => Promise<CreateSessionResult>,
  ): Promise<CreateSessionResult> {
    try {
      return await create();
    } catch (err) {
      if (err instanceof AppError) {
        this.deps.audit.record({
          actor: principal.sub,
          role: principal.role,
          action: `${kind}.create`,
          outcome: `refused: ${err.code}`,
          detail: { kind },
          at: this.clock(),
        });
      }
      throw err;
    }
  }

  private createDeps() {
    const { db, config } = this.deps;
    return { db, config, runtime: this.runtime, clock: this.clock };
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
}
