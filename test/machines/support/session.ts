/**
 * A session as the runtime holds it: one actor, every emitted notification recorded, and a
 * `restart` that persists the snapshot, round-trips it through JSON and opens a fresh actor from
 * it (what happens when the server restarts between two events).
 */
import { createActor, type Actor, type AnyStateMachine } from 'xstate';
import type {
  AnySessionContext,
  AnySessionEvent,
  Participant,
  Timeouts,
} from '../../../machines/index.js';

export const T0 = 1_700_000_000_000;
export const TIMEOUTS: Timeouts = { inviteMs: 300_000, roundMs: 60_000 };
/** The members of every default session, in index order. */
export const NAMES = ['alice', 'bob', 'carol'] as const;

export function members(names: readonly string[]): Participant[] {
  return names.map((name, i) => ({
    name,
    index: i + 1,
    identityKey: '02' + (i + 1).toString(16).padStart(64, '0'),
  }));
}

export interface Emitted {
  type: string;
  recipient: string | null;
  payload: unknown;
}

/** What the tests read of a machine snapshot (a live one; a persisted one has no `can`). */
export interface SessionSnapshot<TContext, TEvent> {
  status: 'active' | 'done' | 'error' | 'stopped';
  value: string;
  context: TContext;
  error: unknown;
  can(event: TEvent): boolean;
}

export function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class Session<
  TContext extends AnySessionContext = AnySessionContext,
  TEvent extends AnySessionEvent = AnySessionEvent,
> {
  readonly emitted: Emitted[] = [];
  private actor: Actor<AnyStateMachine>;

  constructor(
    private readonly machine: AnyStateMachine,
    private readonly input: unknown,
    snapshot?: unknown,
  ) {
    this.actor = this.open(snapshot);
  }

  private open(snapshot: unknown): Actor<AnyStateMachine> {
    // The runtime restores with `{ snapshot }`; `input` is ignored then.
    const options =
      snapshot === undefined ? { input: this.input } : { snapshot, input: this.input };
    const actor = createActor(this.machine, options as never);
    actor.on('*', (notification) => {
      this.emitted.push(notification as Emitted);
    });
    actor.start();
    return actor;
  }

  get snapshot(): SessionSnapshot<TContext, TEvent> {
    return this.actor.getSnapshot() as SessionSnapshot<TContext, TEvent>;
  }

  /** The persisted snapshot as the database would hand it back (JSON round-tripped). */
  stored(): unknown {
    return jsonRoundTrip(this.actor.getPersistedSnapshot());
  }

  send(event: TEvent): this {
    this.actor.send(event);
    return this;
  }

  /** Persist, JSON round trip, stop, and restore a fresh actor from the stored snapshot. */
  restart(): this {
    const stored = this.stored();
    this.actor.stop();
    this.actor = this.open(stored);
    return this;
  }

  /** Notifications emitted since `from` (an index into `emitted`). */
  since(from: number): Emitted[] {
    return this.emitted.slice(from);
  }

  /** `type` of each notification since `from`, as `type>recipient` for a private one. */
  types(from = 0): string[] {
    return this.since(from).map((n) => (n.recipient ? `${n.type}>${n.recipient}` : n.type));
  }
}
