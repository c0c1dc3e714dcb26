import { createActor } from 'xstate';
import {
  explainRejection,
  keygenMachine,
  signMachine,
  type AnySessionContext,
  type AnySessionEvent,
  type AnySessionNotification,
  type KeygenInput,
  type Rejection,
  type SessionKind,
  type SignInput,
} from '../../machines/index.js';
import type { KeyRow } from '../../db/keys.js';

/** The part of an XState actor the runtime uses, the same for both machines. */
interface SessionActor {
  getSnapshot(): { status: string; value: unknown; context: AnySessionContext };
  getPersistedSnapshot(): unknown;
  send(event: AnySessionEvent): void;
  on(type: '*', listener: (notification: AnySessionNotification) => void): unknown;
  start(): unknown;
  stop(): unknown;
}

export type SessionInput =
  { kind: 'keygen'; input: KeygenInput } | { kind: 'sign'; input: SignInput };

/** What a persisted snapshot looks like once parsed from the `snapshot` column. */
export interface PersistedSnapshot {
  status: string;
  value: unknown;
  context: AnySessionContext;
}

function newActor(
  kind: SessionKind,
  init: { input: unknown } | { snapshot: unknown },
): SessionActor {
  // Restoring ignores `input`, but the types want one.
  const options = 'snapshot' in init ? { snapshot: init.snapshot, input: undefined } : init;
  const actor =
    kind === 'keygen'
      ? createActor(
          keygenMachine,
          options as Parameters<typeof createActor<typeof keygenMachine>>[1],
        )
      : createActor(signMachine, options as Parameters<typeof createActor<typeof signMachine>>[1]);
  return actor as unknown as SessionActor;
}

/**
 * One running session: its XState actor, the notifications it emitted since the last commit,
 * and the last committed snapshot to roll back to if a transaction fails.
 */
export class LiveSession {
  private actor: SessionActor;
  private emitted: AnySessionNotification[] = [];
  private committed: unknown;
  /** Sign sessions: the key being used (loaded once). */
  key: KeyRow | undefined;
  /** Per-session values the crypto checks compute once (e.g. the expected confirmation). */
  readonly cache = new Map<string, unknown>();

  private constructor(
    readonly id: string,
    readonly kind: SessionKind,
    init: { input: unknown } | { snapshot: unknown },
  ) {
    this.actor = this.open(init);
    this.committed = 'snapshot' in init ? structuredClone(init.snapshot) : undefined;
  }

  /** Starts a new session; `take()` then returns the invitations and first phase_changed. */
  static create(session: SessionInput): LiveSession {
    return new LiveSession(session.input.sessionId, session.kind, { input: session.input });
  }

  static restore(id: string, kind: SessionKind, snapshot: unknown): LiveSession {
    return new LiveSession(id, kind, { snapshot });
  }

  private open(init: { input: unknown } | { snapshot: unknown }): SessionActor {
    const actor = newActor(this.kind, init);
    actor.on('*', (notification) => this.emitted.push(notification));
    actor.start();
    return actor;
  }

  get snapshot(): PersistedSnapshot {
    return this.actor.getSnapshot();
  }

  get context(): AnySessionContext {
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

  /** Why the machine would refuse `event` now, or null. */
  explain(event: AnySessionEvent): Rejection | null {
    return explainRejection(this.actor.getSnapshot(), event);
  }

  send(event: AnySessionEvent): void {
    this.actor.send(event);
  }

  /** The notifications emitted since the last call. */
  take(): AnySessionNotification[] {
    const out = this.emitted;
    this.emitted = [];
    return out;
  }

  persisted(): unknown {
    return this.actor.getPersistedSnapshot();
  }

  /** The transaction holding `snapshot` committed: it is the new rollback point. */
  commit(snapshot: unknown): void {
    // A copy, so nothing the new actor does can alter the rollback point.
    this.committed = structuredClone(snapshot);
  }

  /** The transaction failed: back to the last committed snapshot, dropping what was emitted. */
  rollback(): void {
    this.actor.stop();
    this.emitted = [];
    if (this.committed === undefined) return;
    this.actor = this.open({ snapshot: this.committed });
  }

  stop(): void {
    this.actor.stop();
  }
}
