/**
 * Every state a session can reach from a set of events (valid, duplicate, foreign, stale, early
 * and late ones), walked with `xstate/graph`: the shortest path to each state, and every edge
 * (state, event, next state).
 */
import {
  type ActorLogic,
  type AnyStateMachine,
  type EventFromLogic,
  type InputFrom,
  type SnapshotFrom,
} from 'xstate';
import { adjacencyMapToArray, getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import {
  explainKeygenRejection,
  explainSignRejection,
  keygenMachine,
  KEYGEN_DONE_STATUS,
  KEYGEN_PHASES,
  signMachine,
  SIGN_DONE_STATUS,
  SIGN_PHASES,
  type AnySessionContext,
  type AnySessionEvent,
  type KeygenContext,
  type KeygenEvent,
  type Rejection,
  type SessionKind,
  type SignContext,
  type SignEvent,
  type SnapshotLike,
} from '../../../machines/index.js';
import { keygenInput, kg, OTHER_KEY } from './keygen.js';
import { NAMES, Session, T0 } from './session.js';
import { sg, signInput } from './sign.js';

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
function asLogic<TMachine extends AnyStateMachine>(machine: TMachine) {
  return machine as unknown as ActorLogic<
    SnapshotFrom<TMachine>,
    EventFromLogic<TMachine>,
    InputFrom<TMachine>
  >;
}

const serializeState = (snapshot: { value: unknown; context: unknown }) =>
  canonicalJson({ value: snapshot.value, context: snapshot.context });
// The pure transition() does not check the actor status; a live actor ignores every event once
// done, so the traversal stops at final states too.
const stopWhen = (snapshot: { status: string }) => snapshot.status !== 'active';

export interface ReachedState {
  value: string;
  context: AnySessionContext;
  /** The shortest list of events that leads there from the start. */
  events: AnySessionEvent[];
}

export interface Edge {
  state: SnapshotLike<AnySessionContext>;
  event: AnySessionEvent;
  /** Whether the event changed the state (value or context). */
  changed: boolean;
}

export interface Walk {
  kind: SessionKind;
  input: unknown;
  /** Every state name of the machine, working and terminal. */
  phases: readonly string[];
  /** The participant status that settles each working phase. */
  doneStatus: Readonly<Record<string, string>>;
  paths(): ReachedState[];
  edges(): Edge[];
  /** A live session on the walk's input. */
  open(): Session;
  /** The kind's own explainer (`explainKeygenRejection` or `explainSignRejection`). */
  explainOwn(state: SnapshotLike<AnySessionContext>, event: AnySessionEvent): Rejection | null;
}

function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= compute());
}

const AT_ALL = T0 + 1_000;
const LATE = T0 + 10_000_000;

const keygenEvents: KeygenEvent[] = [
  ...NAMES.map((n) => kg.accept(n, AT_ALL)),
  kg.reject('bob', AT_ALL, 'busy'),
  kg.accept('mallory', AT_ALL),
  ...NAMES.map((n) => kg.round1(n, AT_ALL)),
  kg.round1('mallory', AT_ALL),
  ...NAMES.map((n) => kg.round2(n, AT_ALL)),
  kg.round2('alice', AT_ALL, ['alice', 'bob']),
  ...NAMES.map((n) => kg.confirm(n, AT_ALL)),
  kg.confirm('carol', AT_ALL, OTHER_KEY),
  kg.complain('carol', 'alice', AT_ALL, 'bad share'),
  { type: 'FAIL', reason: 'invalid proof', culprits: ['alice'], at: AT_ALL },
  { type: 'TIMEOUT', at: AT_ALL },
  { type: 'TIMEOUT', at: LATE },
  { type: 'ABORT', by: 'coord', at: AT_ALL },
];

const keygenOptions = {
  input: keygenInput(),
  events: keygenEvents,
  stopWhen,
  serializeState,
};

export const KEYGEN_WALK: Walk = {
  kind: 'keygen',
  input: keygenOptions.input,
  phases: KEYGEN_PHASES,
  doneStatus: KEYGEN_DONE_STATUS,
  paths: once(() =>
    getShortestPaths(keygenMachine, keygenOptions).map((p) => ({
      value: String(p.state.value),
      context: p.state.context,
      events: p.steps.map((step) => step.event),
    })),
  ),
  edges: once(() =>
    adjacencyMapToArray(getAdjacencyMap(asLogic(keygenMachine), keygenOptions)).map((e) => ({
      state: e.state,
      event: e.event,
      changed: serializeState(e.nextState) !== serializeState(e.state),
    })),
  ),
  open: () => new Session(keygenMachine, keygenOptions.input),
  explainOwn: (state, event) =>
    explainKeygenRejection(state as SnapshotLike<KeygenContext>, event as KeygenEvent),
};

/** Sign events depend on the commitment round: current, next and (after a restart) earlier. */
function signEvents(snapshot: { context: SignContext }): SignEvent[] {
  const round = snapshot.context.commitRound;
  return [
    ...NAMES.map((n) => sg.accept(n, AT_ALL)),
    sg.reject('alice', AT_ALL, 'no'),
    sg.accept('mallory', AT_ALL),
    ...NAMES.map((n) => sg.commit(n, round, AT_ALL)),
    sg.commit('bob', round + 1, AT_ALL),
    ...(round > 1 ? [sg.commit('carol', round, AT_ALL, round - 1)] : []),
    ...NAMES.map((n) => sg.share(n, round, AT_ALL)),
    ...(round > 1 ? [sg.share('alice', round - 1, AT_ALL)] : []),
    ...NAMES.map((n) => sg.lost(n, AT_ALL)),
    sg.lost('bob', AT_ALL, round),
    ...(round > 1 ? [sg.lost('carol', AT_ALL, round - 1)] : []),
    sg.aggregated(AT_ALL),
    { type: 'FAIL', reason: 'share does not verify', culprits: ['bob'], at: AT_ALL },
    { type: 'TIMEOUT', at: AT_ALL },
    { type: 'TIMEOUT', at: LATE },
    { type: 'ABORT', by: 'coord', at: AT_ALL },
  ];
}

/** One restart allowed, so the walk reaches both a restarted round and the NONCES_LOST failure. */
export const SIGN_WALK_INPUT = signInput({ maxCommitRestarts: 1 });

const signOptions = { input: SIGN_WALK_INPUT, events: signEvents, stopWhen, serializeState };

export const SIGN_WALK: Walk = {
  kind: 'sign',
  input: SIGN_WALK_INPUT,
  phases: SIGN_PHASES,
  doneStatus: SIGN_DONE_STATUS,
  paths: once(() =>
    getShortestPaths(signMachine, signOptions).map((p) => ({
      value: String(p.state.value),
      context: p.state.context,
      events: p.steps.map((step) => step.event),
    })),
  ),
  edges: once(() =>
    adjacencyMapToArray(getAdjacencyMap(asLogic(signMachine), signOptions)).map((e) => ({
      state: e.state,
      event: e.event,
      changed: serializeState(e.nextState) !== serializeState(e.state),
    })),
  ),
  open: () => new Session(signMachine, SIGN_WALK_INPUT),
  explainOwn: (state, event) =>
    explainSignRejection(state as SnapshotLike<SignContext>, event as SignEvent),
};

export const WALKS = [KEYGEN_WALK, SIGN_WALK];
