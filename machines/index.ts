/**
 * The session machines and everything the runtime and the API need from them.
 *
 * @module
 */
import type { KeygenContext, KeygenEvent, KeygenNotification } from './keygen-types.js';
import { explainKeygenRejection } from './keygen-rules.js';
import type { Rejection, SnapshotLike } from './rejection.js';
import { explainSignRejection } from './sign-rules.js';
import type { SignContext, SignEvent, SignNotification } from './sign-types.js';

export * from './common.js';
export type {
  CompletedPayload,
  EndedPayload,
  Notification,
  ParticipantAnsweredNotification,
  PhaseChangedNotification,
  SubmittedNotification,
  TerminalNotification,
  TerminalNotificationType,
} from './notifications.js';
export {
  REJECTION_CODES,
  type Rejection,
  type RejectionCode,
  type SnapshotLike,
} from './rejection.js';
export { deadlineAfter, phaseDuration, runningDeadline } from './phase.js';
export type { SessionNotification } from './session-actions.js';
export * from './keygen-types.js';
export { keygenMachine, assertKeygenInput, type KeygenMachine } from './keygen.js';
export { explainKeygenRejection } from './keygen-rules.js';
export * from './sign-types.js';
export { signMachine, assertSignInput, type SignMachine } from './sign.js';
export { explainSignRejection } from './sign-rules.js';

export type AnySessionContext = KeygenContext | SignContext;
export type AnySessionEvent = KeygenEvent | SignEvent;
export type AnySessionNotification = KeygenNotification | SignNotification;

/**
 * Either machine's rejection explainer, chosen by `snapshot.context.kind`. An event type the
 * chosen machine does not have (e.g. COMMIT for a keygen) is reported as UNKNOWN_EVENT.
 */
export function explainRejection(
  snapshot: SnapshotLike<AnySessionContext>,
  event: AnySessionEvent,
): Rejection | null {
  if (snapshot.context.kind === 'keygen') {
    return explainKeygenRejection(snapshot as SnapshotLike<KeygenContext>, event as KeygenEvent);
  }
  return explainSignRejection(snapshot as SnapshotLike<SignContext>, event as SignEvent);
}
