/**
 * Types and constants every session protocol shares: members, deadlines, the events every
 * session takes (RESPOND, FAIL, TIMEOUT, ABORT) and how a session ends.
 *
 * Everything here is plain data: the session machine is pure (no I/O, no clock, no randomness),
 * so every time value arrives inside an event as `at` (epoch milliseconds, the runtime's clock).
 * docs/sessions.md describes the behaviour.
 *
 * @module
 */
import { SigSocketError } from '../errors.js';

/** Any JSON value; used for opaque protocol packages the machines store but never interpret. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A named member of a session. */
export interface Participant {
  /** Unique within the session; the identity the runtime takes from the token's `sub`. */
  name: string;
  /** FROST participant identifier (1..n in keygen; the key's indexes in signing). */
  index: number;
  /** The participant's registered secp256k1 identity key (compressed hex). */
  identityKey: string;
}

/** How long each phase may last; the machine turns these into absolute deadlines. */
export interface Timeouts {
  /** Time to answer an invitation. */
  inviteMs: number;
  /** Time for each protocol round. */
  roundMs: number;
}

/** Defaults (docs/sessions.md, Deadlines): 5 minutes to answer an invitation, 60 s per round. */
export const DEFAULT_TIMEOUTS: Timeouts = { inviteMs: 5 * 60_000, roundMs: 60_000 };

export { TERMINAL_STATES, isTerminalState, type TerminalState } from '../session-states.js';

/** The protocol a session runs (`keygen`, `sign`, …): the `sessions.kind` column. */
export type SessionKind = string;

/** Per-participant status values every protocol has. */
export type InvitationStatus = 'invited' | 'accepted' | 'rejected';

/**
 * Stable codes in `context.error.code`. `FAIL` events may bring their own code (e.g. the
 * runtime's `INVALID_PROOF`); without one they are recorded as `PROTOCOL_VIOLATION`.
 */
export const SESSION_ERROR_CODES = [
  'REJECTED',
  'PROTOCOL_VIOLATION',
  'COMPLAINT',
  'GROUP_KEY_MISMATCH',
  'NONCES_LOST',
  'TIMEOUT',
  'ABORTED',
] as const;
export type SessionErrorCode = (typeof SESSION_ERROR_CODES)[number];

/** Why a session did not complete. Set on entry to every terminal state except `completed`. */
export interface SessionError {
  code: SessionErrorCode | (string & {});
  /** One plain sentence naming who and why. */
  message: string;
  /** The working phase the session was in when it ended. */
  phase: string;
  /** Participants blamed (may be empty, e.g. for an abort). */
  culprits: string[];
  /** COMPLAIN only: who complained and about whom. */
  accuser?: string;
  accused?: string;
  /** ABORT only: who aborted. */
  by?: string;
  /** TIMEOUT only: the names still owed when the deadline passed. */
  waitingFor?: string[];
}

/**
 * Fields every session context has. `phase` is the current working phase; in a final state it
 * keeps the last working phase (the snapshot's `value` is the session state).
 */
export interface SessionContextBase<TPhase extends string, TStatus extends string> {
  kind: SessionKind;
  sessionId: string;
  coordinator: string;
  scheme: string;
  threshold: number;
  /** Members sorted by index. */
  participants: Participant[];
  timeouts: Timeouts;
  phase: TPhase;
  status: Record<string, TStatus>;
  /** Names still owed for the current phase, in index order. Kept on `timed_out`, else emptied. */
  waitingFor: string[];
  /** Absolute deadline (epoch ms) of the current phase; `null` once the session has ended. */
  deadline: number | null;
  phaseStartedAt: number;
  createdAt: number;
  endedAt: number | null;
  error: SessionError | null;
}

/** Fields every session input has (each protocol's input extends it). */
export interface SessionInputBase {
  sessionId: string;
  coordinator: string;
  scheme: string;
  threshold: number;
  timeouts: Timeouts;
  /** Creation time (epoch ms); the invitation deadline is `at + timeouts.inviteMs`. */
  at: number;
}

// Events every session accepts. Every event from outside carries `at` (epoch ms).

/** A participant accepts or declines its invitation. */
export interface RespondEvent {
  type: 'RESPOND';
  participant: string;
  accept: boolean;
  reason?: string;
  at: number;
}

/** A protocol violation the runtime detected (bad proof, bad share, ...). Valid in any phase. */
export interface FailEvent {
  type: 'FAIL';
  reason: string;
  culprits: string[];
  /** Optional stable code, e.g. `INVALID_PROOF`; defaults to `PROTOCOL_VIOLATION`. */
  code?: string;
  at: number;
}

/** The runtime's timer for `context.deadline` fired. Refused while `at < deadline`. */
export interface TimeoutEvent {
  type: 'TIMEOUT';
  at: number;
}

/** The coordinator (or an admin) ends the session; the runtime checks who may. */
export interface AbortEvent {
  type: 'ABORT';
  by: string;
  reason?: string;
  at: number;
}

export type CommonSessionEvent = RespondEvent | FailEvent | TimeoutEvent | AbortEvent;

/** A protocol's own events: all but those every session takes. */
export type OwnEvent<TEvent> = Exclude<TEvent, CommonSessionEvent>;

/** Every event from outside carries the runtime's clock. */
export interface TimedEvent {
  type: string;
  at: number;
}

/** Thrown when a machine input breaks an invariant the runtime should have enforced. */
export class SessionInputError extends SigSocketError<'INVALID_SESSION_INPUT'> {
  constructor(message: string) {
    super('INVALID_SESSION_INPUT', message);
  }
}
