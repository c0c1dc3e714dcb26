/**
 * Test fixtures for the session machines: inputs, an actor wrapper that records emitted
 * notifications and can be "restarted" from a JSON round-tripped persisted snapshot the way the
 * session runtime restores it, and helpers for `xstate/graph` traversals.
 */
import {
  createActor,
  type Actor,
  type ActorLogic,
  type AnyStateMachine,
  type EventFromLogic,
  type InputFrom,
  type SnapshotFrom,
} from 'xstate';
import type { KeygenInput, Participant, SignInput, Signer, Timeouts } from '../../machines/index.js';

export const T0 = 1_700_000_000_000;
export const TIMEOUTS: Timeouts = { inviteMs: 300_000, roundMs: 60_000 };

export function members(names: readonly string[]): Participant[] {
  return names.map((name, i) => ({
    name,
    index: i + 1,
    identityKey: '02' + (i + 1).toString(16).padStart(64, '0'),
  }));
}

export function keygenInput(overrides: Partial<KeygenInput> = {}): KeygenInput {
  return {
    sessionId: 'kg-1',
    coordinator: 'coord',
    scheme: 'frost-secp256k1',
    label: 'treasury',
    threshold: 2,
    participants: members(['alice', 'bob', 'carol']),
    timeouts: TIMEOUTS,
    at: T0,
    ...overrides,
  };
}

export function signers(names: readonly string[], indexes?: readonly number[]): Signer[] {
  return members(names).map((p, i) => ({
    ...p,
    index: indexes?.[i] ?? p.index,
    escrow: `escrow-of-${p.name}`,
  }));
}

export function signInput(overrides: Partial<SignInput> = {}): SignInput {
  return {
    sessionId: 'sg-1',
    coordinator: 'coord',
    scheme: 'frost-secp256k1',
    keyId: 'key-1',
    message: 'deadbeef',
    threshold: 2,
    signers: signers(['alice', 'bob', 'carol']),
    timeouts: TIMEOUTS,
    at: T0,
    ...overrides,
  };
}

/** A JSON object's keys sorted, recursively: a stable serialization for graph traversals. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * `getAdjacencyMap` takes an `ActorLogic` whose emitted type is the default `EventObject`, which a
 * machine with typed `emitted` notifications does not fit; the traversal never emits anyway.
 */
export function asLogic<TMachine extends AnyStateMachine>(machine: TMachine) {
  return machine as unknown as ActorLogic<
    SnapshotFrom<TMachine>,
    EventFromLogic<TMachine>,
    InputFrom<TMachine>
  >;
}

export function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** What the runtime does: one actor per session, every emitted notification recorded. */
export class Session<TMachine extends AnyStateMachine> {
  readonly emitted: Array<{ type: string; recipient: string | null; payload: unknown }> = [];
  actor: Actor<TMachine>;

  constructor(
    private readonly machine: TMachine,
    private readonly input: unknown,
    snapshot?: unknown,
  ) {
    this.actor = this.open(snapshot);
  }

  private open(snapshot: unknown): Actor<TMachine> {
    // The runtime restores with `{ snapshot }`; `input` is ignored then but required by the types.
    const options =
      snapshot === undefined ? { input: this.input } : { snapshot, input: this.input };
    const actor = createActor(this.machine, options as never) as Actor<TMachine>;
    actor.on('*', (notification) => {
      this.emitted.push(notification as (typeof this.emitted)[number]);
    });
    actor.start();
    return actor;
  }

  get snapshot() {
    return this.actor.getSnapshot();
  }

  send(event: EventFromLogic<TMachine>): this {
    this.actor.send(event);
    return this;
  }

  /** Persist, JSON round trip, stop, and restore a fresh actor from the stored snapshot. */
  restart(): this {
    const stored = JSON.stringify(this.actor.getPersistedSnapshot());
    this.actor.stop();
    this.actor = this.open(JSON.parse(stored));
    return this;
  }

  /** Notifications emitted since `from` (an index into `emitted`). */
  since(from: number) {
    return this.emitted.slice(from);
  }

  types(from = 0): string[] {
    return this.since(from).map((n) => (n.recipient ? `${n.type}>${n.recipient}` : n.type));
  }
}
