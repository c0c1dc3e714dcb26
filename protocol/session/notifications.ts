/**
 * Outgoing notifications. The session machine emits every one with XState's `emit()`; the runtime
 * listens with `actor.on('*', ...)` and stores each as a `session_events` row in the same
 * transaction as the snapshot. `recipient: null` means everyone in the session, coordinator
 * included; a name means that participant only.
 *
 * @module
 */
import type { SessionContextBase, SessionError, TerminalState } from './common.js';
import { runningDeadline } from './phase.js';

export interface Notification<TType extends string, TPayload, TRecipient = string | null> {
  type: TType;
  recipient: TRecipient;
  payload: TPayload;
}

type AnyContext = SessionContextBase<string, string>;

/** A participant accepted or declined its invitation. Broadcast. */
export type ParticipantAnsweredNotification = Notification<
  'participant_answered',
  {
    sessionId: string;
    participant: string;
    accept: boolean;
    reason: string | null;
    waitingFor: string[];
  },
  null
>;

/** A new working phase began (also sent for the first phase). Broadcast. */
export type PhaseChangedNotification<TPhase extends string, TExtra = {}> = Notification<
  'phase_changed',
  {
    sessionId: string;
    phase: TPhase;
    waitingFor: string[];
    deadline: number;
    phaseStartedAt: number;
  } & TExtra,
  null
>;

/** Progress: who submitted in which phase, and who is still owed. Never carries data. Broadcast. */
export type SubmittedNotification<TPhase extends string> = Notification<
  'submitted',
  { sessionId: string; phase: TPhase; participant: string; waitingFor: string[] },
  null
>;

export interface CompletedPayload<TResult> {
  sessionId: string;
  state: 'completed';
  result: TResult;
}

export interface EndedPayload<TState extends TerminalState> {
  sessionId: string;
  state: TState;
  error: SessionError;
  /** Names still owed when the session ended (non-empty only for `timed_out`). */
  waitingFor: string[];
}

/** Terminal announcements, one per final state. Broadcast. */
export type TerminalNotification<TPublicResult> =
  | Notification<'session_completed', CompletedPayload<TPublicResult>, null>
  | Notification<'session_rejected', EndedPayload<'rejected'>, null>
  | Notification<'session_failed', EndedPayload<'failed'>, null>
  | Notification<'session_timed_out', EndedPayload<'timed_out'>, null>
  | Notification<'session_aborted', EndedPayload<'aborted'>, null>;

export type TerminalNotificationType = TerminalNotification<unknown>['type'];

export function broadcast<TType extends string, TPayload>(
  type: TType,
  payload: TPayload,
): Notification<TType, TPayload, null> {
  return { type, recipient: null, payload };
}

export function direct<TType extends string, TPayload>(
  type: TType,
  recipient: string,
  payload: TPayload,
): Notification<TType, TPayload, string> {
  return { type, recipient, payload };
}

export function participantAnswered(
  context: AnyContext,
  participant: string,
  accept: boolean,
  reason: string | undefined,
): ParticipantAnsweredNotification {
  return broadcast('participant_answered', {
    sessionId: context.sessionId,
    participant,
    accept,
    reason: reason ?? null,
    waitingFor: context.waitingFor,
  });
}

export function phaseChanged<TPhase extends string, TExtra = {}>(
  context: SessionContextBase<TPhase, string>,
  extra: TExtra,
): PhaseChangedNotification<TPhase, TExtra> {
  return broadcast('phase_changed', {
    sessionId: context.sessionId,
    phase: context.phase,
    waitingFor: context.waitingFor,
    deadline: runningDeadline(context),
    phaseStartedAt: context.phaseStartedAt,
    ...extra,
  });
}

export function submitted<TPhase extends string>(
  context: SessionContextBase<TPhase, string>,
  participant: string,
): SubmittedNotification<TPhase> {
  return broadcast('submitted', {
    sessionId: context.sessionId,
    phase: context.phase,
    participant,
    waitingFor: context.waitingFor,
  });
}

/**
 * The announcement for final state `state`. `publicResult` is used only for `completed` and
 * must not contain anything private (escrow blobs stay out).
 */
export function terminalNotification<TPublicResult>(
  context: AnyContext,
  state: TerminalState,
  publicResult: TPublicResult | null,
): TerminalNotification<TPublicResult> {
  const { sessionId } = context;
  if (state === 'completed') {
    if (publicResult === null) throw new Error(`session ${sessionId} completed without a result`);
    return broadcast('session_completed', { sessionId, state, result: publicResult });
  }
  const error = context.error;
  if (error === null) throw new Error(`session ${sessionId} ended ${state} without an error`);
  const waitingFor = context.waitingFor;
  switch (state) {
    case 'rejected':
      return broadcast('session_rejected', { sessionId, state, error, waitingFor });
    case 'failed':
      return broadcast('session_failed', { sessionId, state, error, waitingFor });
    case 'timed_out':
      return broadcast('session_timed_out', { sessionId, state, error, waitingFor });
    case 'aborted':
      return broadcast('session_aborted', { sessionId, state, error, waitingFor });
  }
}

/** Notifications every session emits, around its protocol's own. */
export type SessionNotification<TPhase extends string, TInvite, TExtra, TResult> =
  | TInvite
  | ParticipantAnsweredNotification
  | PhaseChangedNotification<TPhase, TExtra>
  | TerminalNotification<TResult>;
