/**
 * The session machine and everything the runtime and the API need from it. `sessionMachine`
 * runs any protocol description; the FROST keygen and signing machines are built here once,
 * typed, for the code and tests that name them.
 *
 * @module
 */
import { erasedProtocol, type AnyContext } from '../protocol/session/description.js';
import type { Rejection, SnapshotLike } from '../protocol/session/rejection.js';
import { frostKeygenSession } from '../protocol/frost/sessions/keygen.js';
import { frostSignSession } from '../protocol/frost/sessions/sign.js';
import type {
  KeygenContext,
  KeygenEvent,
  KeygenInput,
  KeygenNotification,
} from '../protocol/frost/sessions/keygen-types.js';
import type {
  SignContext,
  SignEvent,
  SignInput,
  SignNotification,
} from '../protocol/frost/sessions/sign-types.js';
import { sessionMachine } from './session-machine.js';
import { explainFor } from './session-rules.js';

export * from '../protocol/session/common.js';
export type {
  CompletedPayload,
  EndedPayload,
  Notification,
  ParticipantAnsweredNotification,
  PhaseChangedNotification,
  SessionNotification,
  SubmittedNotification,
  TerminalNotification,
  TerminalNotificationType,
} from '../protocol/session/notifications.js';
export {
  REJECTION_CODES,
  type Rejection,
  type RejectionCode,
  type SnapshotLike,
} from '../protocol/session/rejection.js';
export { deadlineAfter, phaseDuration, runningDeadline } from '../protocol/session/phase.js';
export * from '../protocol/frost/sessions/keygen-types.js';
export * from '../protocol/frost/sessions/sign-types.js';
export { assertKeygenInput } from '../protocol/frost/sessions/keygen.js';
export { assertSignInput } from '../protocol/frost/sessions/sign.js';
export { sessionMachine, type SessionMachine } from './session-machine.js';
export { explainFor } from './session-rules.js';

export const keygenMachine = sessionMachine<
  KeygenContext,
  KeygenEvent,
  KeygenInput,
  KeygenNotification
>(frostKeygenSession);
export type KeygenMachine = typeof keygenMachine;

export const signMachine = sessionMachine<SignContext, SignEvent, SignInput, SignNotification>(
  frostSignSession,
);
export type SignMachine = typeof signMachine;

const KEYGEN = erasedProtocol(frostKeygenSession);
const SIGN = erasedProtocol(frostSignSession);

export type AnySessionContext = KeygenContext | SignContext;
export type AnySessionEvent = KeygenEvent | SignEvent;
export type AnySessionNotification = KeygenNotification | SignNotification;

/** Why the keygen machine would refuse `event` in `snapshot`, or `null` if it takes it. */
export function explainKeygenRejection(
  snapshot: SnapshotLike<KeygenContext>,
  event: KeygenEvent,
): Rejection | null {
  return explainFor(KEYGEN, snapshot, event);
}

/** Why the sign machine would refuse `event` in `snapshot`, or `null` if it takes it. */
export function explainSignRejection(
  snapshot: SnapshotLike<SignContext>,
  event: SignEvent,
): Rejection | null {
  return explainFor(SIGN, snapshot, event);
}

/**
 * Either FROST machine's rejection explainer, chosen by `snapshot.context.kind`. An event type
 * the chosen machine does not have (e.g. COMMIT for a keygen) is reported as UNKNOWN_EVENT.
 */
export function explainRejection(
  snapshot: SnapshotLike<AnyContext>,
  event: AnySessionEvent,
): Rejection | null {
  return explainFor(snapshot.context.kind === 'keygen' ? KEYGEN : SIGN, snapshot, event);
}
