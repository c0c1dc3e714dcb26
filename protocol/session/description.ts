/**
 * What a session protocol is, as data: the one session machine (`machines/session-machine.ts`)
 * runs any `SessionProtocol`, and the server's one create and admit path runs any
 * `SessionChecks`. FROST keygen and signing are two such descriptions
 * (`protocol/frost/sessions/`); a new protocol is a pair of them plus one registration
 * (`server/sessions/protocols.ts`). docs/sessions.md, "Protocols as data", says how.
 *
 * Method syntax is deliberate: a description typed for its own context stays assignable to
 * the erased `AnySessionProtocol` the registry holds.
 *
 * @module
 */
import type { z } from 'zod';
import type {
  FailEvent,
  Participant,
  SessionContextBase,
  SessionError,
  SessionInputBase,
  Timeouts,
  TimedEvent,
} from './common.js';
import type { Notification } from './notifications.js';
import type { EventRule } from './rejection.js';

export type AnyContext = SessionContextBase<string, string>;
export type AnyNotification = Notification<string, unknown, string | null>;

/** Why the session fails: the machine turns it into `context.error` (docs/sessions.md). */
export type Failure = { code: string; reason: string; culprits: readonly string[] } & Partial<
  Pick<SessionError, 'accuser' | 'accused'>
>;

/** What an accepted event does besides its context patch. */
export type Then =
  /** Nothing more: the session stays in its phase (the usual submission). */
  | 'stay'
  /** The session completes now (the patch carries the result). */
  | 'complete'
  /** The session fails with this verdict. */
  | { fail: Failure }
  /** The session goes back to this phase: everyone owes it again, its clock restarts. */
  | { restart: string };

export interface Outcome<TContext> {
  assign?: Partial<TContext>;
  emit?: readonly AnyNotification[];
  then?: Then;
}

/**
 * One event a protocol accepts besides RESPOND, FAIL, TIMEOUT and ABORT (which every session
 * takes, with the same meaning): where, when (`check`, also what `explainRejection` says) and
 * what it changes (`apply`, pure).
 */
export interface EventSpec<TContext, TEvent> extends EventRule<TContext, TEvent> {
  phases: readonly string[];
  apply(context: TContext, event: TEvent): Outcome<TContext>;
  /**
   * Point-to-point submissions: recipient → payload, and what one payload is called in
   * messages. The machine refuses one that does not address every other member exactly once;
   * the server checks the envelope of each encrypted payload.
   */
  pointToPoint?: PointToPoint<TEvent>;
}

export interface PointToPoint<TEvent> {
  what: string;
  payloads(event: TEvent): Readonly<Record<string, string>>;
  /**
   * The end-to-end envelope each payload of an encrypted round must be, and its layout for the
   * error message; a DKG share envelope (`EncryptedShareSchema`) unless given.
   */
  envelope?: { schema: z.ZodType; layout: string };
}

export type EventSpecs<TContext, TEvent extends TimedEvent> = {
  [K in TEvent['type']]: EventSpec<TContext, Extract<TEvent, { type: K }>>;
};

/** What happens once nobody owes anything in a round. */
export type Settlement<TContext> =
  /**
   * Move to the next round, delivering these (the relay of what everyone sent); `forget` clears
   * what the relay carries and nothing later needs (large point-to-point parts), so the stored
   * snapshot does not keep it.
   */
  | { next: readonly AnyNotification[]; forget?: Partial<TContext> }
  /** Complete with this patch (the result). */
  | { complete: Partial<TContext> }
  | { fail: Failure }
  /** Wait for an event (e.g. the server's aggregate) before anything happens. */
  | 'wait';

/** Who receives what the members send in a round. */
export type Delivery =
  /** Everyone in the session gets every member's submission, in index order. */
  | 'broadcast'
  /** Each member gets what the others addressed to it, encrypted end to end. */
  | 'point-to-point'
  /**
   * Both in one round: everyone gets each member's public part (which the server reads too),
   * and each member what the others addressed to it (DKLs23's rounds: docs/dkls23.md).
   */
  | 'broadcast-and-point-to-point'
  /** Only the server reads it (signature shares, confirmations). */
  | 'server';

export interface RoundSpec<TContext> {
  /** The state name, also `sessions.state` and `phase_changed.phase`. */
  phase: string;
  /** The status a member has once it delivered this round. */
  done: string;
  delivery: Delivery;
  encrypted: boolean;
  settle(context: TContext): Settlement<TContext>;
}

/** The machine half: pure bookkeeping, no crypto, no I/O, no clock. */
export interface SessionProtocol<
  TContext extends AnyContext = AnyContext,
  TEvent extends TimedEvent = TimedEvent,
  TInput extends SessionInputBase = SessionInputBase,
> {
  /** The protocol's name: the machine id and `sessions.kind`. */
  kind: string;
  schemes: readonly string[];
  /** The working phases after `inviting`, in order. */
  rounds: readonly RoundSpec<TContext>[];
  events: EventSpecs<TContext, TEvent>;
  /** The session's members (their index order is the order of every list). */
  members(input: TInput): readonly Participant[];
  /** Checks the input (throws `SessionInputError`) and returns the protocol's context fields. */
  start(input: TInput): Omit<TContext, keyof AnyContext>;
  /** The invitation for one member. */
  invite(context: TContext, participant: Participant): AnyNotification;
  /** Extra fields of every `phase_changed` (e.g. the signing `commitRound`). */
  phaseExtra?(context: TContext): Record<string, unknown>;
  /** What `session_completed` announces; never anything private. */
  publicResult(context: TContext): unknown;
}

export type AnySessionProtocol = SessionProtocol<AnyContext, TimedEvent, SessionInputBase>;

/** A key as the checks need it (the `keys` row, without storage details). */
export interface KeyRecord {
  id: string;
  scheme: string;
  groupPublicKey: string;
  threshold: number;
  participants: Array<{ name: string; index: number }>;
  verifyingShares: Record<string, string>;
  keygenSessionId: string;
  coordinator: string;
  /** 1 after keygen, one more per refresh or reshare (docs/lifecycle.md). */
  epoch: number;
  /** What the key may still do (`protocol/lifecycle/key-status.ts`). */
  status: string;
}

/** A key a completed session creates; the server stores it with its escrow blobs. */
export interface NewKey extends Omit<
  KeyRecord,
  'id' | 'keygenSessionId' | 'coordinator' | 'epoch' | 'status'
> {
  /** The key's Bitcoin address (P2TR for frost-secp256k1-tr, P2WPKH for dkls23-secp256k1). */
  address: string | null;
  /** The EIP-55 Ethereum address of an ECDSA key (dkls23-secp256k1). */
  ethereumAddress?: string | null;
  /** Private: each holder's escrow, stored per owner. */
  escrows: Record<string, string>;
}

/** What the server knows of a running session when it asks the checks. */
export interface SessionFacts<TContext> {
  sessionId: string;
  state: string;
  ended: boolean;
  context: TContext;
  /** The key a signing uses (loaded once). */
  key: KeyRecord | undefined;
  /** Values a check computes once per session (e.g. the expected group key). */
  cache: Map<string, unknown>;
  /** The id of the key this session creates, if it creates one. */
  newKeyId: string;
  /** Bitcoin network of addresses (`--network`). */
  network: string;
  /** The runtime's clock when it asks (the `at` of any event it sends itself). */
  now: number;
}

/** The lookups creation needs; the server answers with typed errors (docs/sessions.md). */
export interface Directory {
  /** Identity keys by name; UNKNOWN_PARTICIPANTS listing every unregistered name. */
  identityKeys(names: readonly string[]): Map<string, string>;
  /** A key the caller may see; NOT_FOUND otherwise. */
  key(keyId: string): KeyRecord;
  /** Escrow blobs of a key's holders. */
  escrows(keyId: string): Map<string, string>;
  /** Members barred from the key's sessions, with the session that named them. */
  bans(keyId: string): Map<string, { sessionId: string; code: string }>;
  /** The key's running sessions (also those whose create is not committed yet). */
  running(keyId: string): readonly RunningOnKey[];
}

/** A running session of a key, as creation sees it. */
export interface RunningOnKey {
  sessionId: string;
  kind: string;
}

/** What a session's end does to the key it works on (docs/lifecycle.md). */
export interface KeyChange {
  keyId: string;
  status: string;
  /** Erase the key's escrow blobs. */
  eraseEscrows: boolean;
}

/** What a create request becomes. */
export interface PreparedSession<TInput extends SessionInputBase> {
  /** The machine input, without what the server adds (id, coordinator, timeouts, time). */
  input: Omit<TInput, 'sessionId' | 'coordinator' | 'timeouts' | 'at'>;
  /** Columns of the `sessions` row. */
  row: { label: string | null; keyId: string | null; message: string | null };
  /** The audit row's detail for `<kind>.create`. */
  audit: Record<string, unknown>;
  /** The key the session uses, if any. */
  key?: KeyRecord;
}

/**
 * A submission kind: its wire schema and the machine event it becomes. Each kind's `event`
 * takes its own schema's output; the table holds kinds of different shapes, so the parameter is
 * `never` here and the admit path passes what `schema` has just parsed.
 */
export interface SubmissionSpec<TEvent> {
  schema: z.ZodType;
  event(participant: string, submission: never, at: number): TEvent;
}

/** The server half: the wire, the crypto checks and what completing writes. */
export interface SessionChecks<
  TContext extends AnyContext = AnyContext,
  TEvent extends TimedEvent = TimedEvent,
  TInput extends SessionInputBase = SessionInputBase,
  TCreate = unknown,
> {
  kind: string;
  /** Prefix of server-chosen session ids (`kg` → `kg_…`). */
  idPrefix: string;
  /** The create request after its zod schema (the tRPC input). */
  createSchema: z.ZodType<TCreate>;
  /** What makes two create requests the same (with the caller), for idempotency. */
  requestFields(request: TCreate): Record<string, unknown>;
  /** Looks up what the session needs; throws typed errors (BAD_REQUEST, NOT_FOUND, …). */
  prepare(request: TCreate, directory: Directory): PreparedSession<TInput>;
  /** Caller-chosen session id and deadline overrides, if the request has them. */
  sessionId(request: TCreate): string | undefined;
  timeouts(request: TCreate): Partial<Timeouts> | undefined;
  /** Submission kinds participants may send (`participant.submit`'s `submission.kind`). */
  submissions: Record<string, SubmissionSpec<TEvent>>;
  /**
   * After the machine accepted the event: a malformed payload is a typed error (nothing
   * changes); a cryptographically bad one becomes a FAIL naming the sender.
   */
  verify?(facts: SessionFacts<TContext>, event: TEvent): TEvent | FailEvent;
  /**
   * Values never accepted twice, across every session (nonce commitments), and the sentence a
   * repeat is refused with (NONCE_REUSED).
   */
  singleUse?(event: TEvent): { values: readonly string[]; refusal: string } | null;
  /** The server's own next event after a transition (aggregation), or null. */
  followUp?(facts: SessionFacts<TContext>): TEvent | FailEvent | null;
  /** The result the session completes with, and the key it creates, if any. */
  complete(facts: SessionFacts<TContext>): { result: Record<string, unknown>; key?: NewKey };
  /**
   * Members a failed session bars from later sessions of its key, and why (DKLs23: a failed
   * check may leak the checker's secrets; docs/ecdsa.md, Bans); null bars nobody.
   */
  bansOnFailure?(facts: SessionFacts<TContext>): { keyId: string; names: readonly string[] } | null;
  /** At any end: what it does to the key the session works on (lifecycle sessions), or null. */
  keyAtEnd?(facts: SessionFacts<TContext>): KeyChange | null;
  /** Fields the server adds to a notification before storing it (transcript hash, …). */
  decorate?(facts: SessionFacts<TContext>, notification: AnyNotification): Record<string, unknown>;
}

export type AnySessionChecks = SessionChecks<AnyContext, TimedEvent, SessionInputBase, unknown>;

/** A protocol as the server registers it: both halves under one name. */
export interface ProtocolDefinition {
  session: AnySessionProtocol;
  checks: AnySessionChecks;
}

/**
 * A description as the registry and the machine hold it: typed for its own context, run as
 * any (method syntax keeps the erasure sound for calls with the protocol's own values).
 */
export function erasedProtocol<
  TContext extends AnyContext,
  TEvent extends TimedEvent,
  TInput extends SessionInputBase,
>(session: SessionProtocol<TContext, TEvent, TInput>): AnySessionProtocol {
  return session as unknown as AnySessionProtocol;
}

/**
 * Both halves of a protocol under one name, checked to speak of the same context and input.
 * The registry holds them erased: every description is typed for its own context, the
 * machine and the server handle any.
 */
export function defineProtocol<
  TContext extends AnyContext,
  TInput extends SessionInputBase,
  TSessionEvent extends TimedEvent,
  TEvent extends TimedEvent,
  TCreate,
>(
  session: SessionProtocol<TContext, TSessionEvent, TInput>,
  checks: SessionChecks<TContext, TEvent, TInput, TCreate>,
): ProtocolDefinition {
  return { session: erasedProtocol(session), checks: checks as unknown as AnySessionChecks };
}
