import { createActor, type AnyActorRef } from 'xstate';
import { explainFor } from '../../machines/index.js';
import type { SessionInputBase, TimedEvent } from '../../protocol/session/common.js';
import type {
  AnyContext,
  AnyNotification,
  KeyRecord,
  SessionFacts,
} from '../../protocol/session/description.js';
import type { Rejection } from '../../protocol/session/rejection.js';
import { keyIdFor } from './ids.js';
import type { RegisteredProtocol } from './protocols.js';

/** The part of an XState actor the runtime uses, the same for every protocol. */
interface SessionActor {
  getSnapshot(): { status: string; value: unknown; context: AnyContext };
  getPersistedSnapshot(): unknown;
  send(event: TimedEvent): void;
  on(type: '*', listener: (notification: AnyNotification) => void): unknown;
  start(): unknown;
  stop(): unknown;
}

/** What a persisted snapshot looks like once parsed from the `snapshot` column. */
export interface PersistedSnapshot {
  status: string;
  value: unknown;
  context: AnyContext;
}

/** The `sessions` columns a view needs that the machine does not hold. */
export interface RowFacts {
  label: string | null;
  keyId: string | null;
  message: string | null;
  result: Record<string, unknown> | null;
  updatedAt: number;
  /** The newest event of the session, as the database numbered it. */
  lastEventId: number | null;
}

type Init = { input: SessionInputBase } | { snapshot: unknown };

/**
 * One running session: its XState actor, the notifications it emitted since its last transition
 * was queued, and the snapshot last handed to the store, to roll back to if a transition fails.
 */
export class LiveSession {
  private actor: SessionActor;
  private emitted: AnyNotification[] = [];
  /**
   * The snapshot last handed to the store (JSON, as written): the rollback point of a
   * transition that fails before it is queued, and what a new snapshot is compared with.
   */
  private written: string | undefined;
  /** Transitions queued for the group commit and not yet committed or failed. */
  uncommitted = 0;
  /** The key a signing uses (loaded once). */
  key: KeyRecord | undefined;
  /** Per-session values the checks compute once (e.g. the expected confirmation). */
  readonly cache = new Map<string, unknown>();

  private constructor(
    readonly id: string,
    readonly protocol: RegisteredProtocol,
    init: Init,
    readonly row: RowFacts,
  ) {
    this.actor = this.open(init);
    this.written = 'snapshot' in init ? JSON.stringify(init.snapshot) : undefined;
  }

  /** Starts a new session; `take()` then returns the invitations and first phase_changed. */
  static create(protocol: RegisteredProtocol, input: SessionInputBase, row: RowFacts): LiveSession {
    return new LiveSession(input.sessionId, protocol, { input }, row);
  }

  static restore(id: string, protocol: RegisteredProtocol, snapshot: unknown, row: RowFacts) {
    return new LiveSession(id, protocol, { snapshot }, row);
  }

  private open(init: Init): SessionActor {
    // Restoring ignores `input`, but the types want one.
    const options = 'snapshot' in init ? { snapshot: init.snapshot, input: undefined } : init;
    const actor: AnyActorRef = createActor(this.protocol.machine, options as never);
    const session = actor as unknown as SessionActor;
    session.on('*', (notification) => this.emitted.push(notification));
    session.start();
    return session;
  }

  get kind(): string {
    return this.protocol.kind;
  }

  get context(): AnyContext {
    return this.actor.getSnapshot().context;
  }

  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  get ended(): boolean {
    return this.actor.getSnapshot().status !== 'active';
  }

  get participantNames(): string[] {
    return this.context.participants.map((p) => p.name);
  }

  /** What the protocol's checks see of this session now. */
  facts(network: string, now: number): SessionFacts<AnyContext> {
    return {
      sessionId: this.id,
      state: this.state,
      ended: this.ended,
      context: this.context,
      key: this.key,
      cache: this.cache,
      newKeyId: keyIdFor(this.id),
      network,
      now,
    };
  }

  /** Why the machine would refuse `event` now, or null. */
  explain(event: TimedEvent): Rejection | null {
    return explainFor(this.protocol.session, this.actor.getSnapshot(), event);
  }

  send(event: TimedEvent): void {
    this.actor.send(event);
  }

  /** The notifications emitted since the last call. */
  take(): AnyNotification[] {
    const out = this.emitted;
    this.emitted = [];
    return out;
  }

  persisted(): unknown {
    return this.actor.getPersistedSnapshot();
  }

  /**
   * The persisted snapshot as JSON, and whether it differs from the last one handed to the
   * store (docs/performance.md, persistence: unchanged snapshots are not written again).
   */
  serialize(): { json: string; changed: boolean } {
    const json = JSON.stringify(this.actor.getPersistedSnapshot());
    return { json, changed: json !== this.written };
  }

  /**
   * `json` is now what the store holds or will hold once its transaction commits: a later
   * transition that fails before it is queued goes back to it. (A failed commit closes the
   * actor instead, which opens again from the database: server/sessions/runtime.ts.)
   */
  markWritten(json: string): void {
    this.written = json;
  }

  /** The transition failed before it was queued: back to the last snapshot handed to the store. */
  rollback(): void {
    this.actor.stop();
    this.emitted = [];
    if (this.written === undefined) return;
    this.actor = this.open({ snapshot: JSON.parse(this.written) as unknown });
  }

  stop(): void {
    this.actor.stop();
  }
}
