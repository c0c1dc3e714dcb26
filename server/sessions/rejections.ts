import type { Rejection, RejectionCode } from '../../machines/index.js';
import { AppError, type ErrorCode } from '../../protocol/errors.js';

/** Which API error a machine refusal becomes (docs/sessions.md lists them). */
const CODES: Record<RejectionCode, ErrorCode> = {
  SESSION_FINISHED: 'SESSION_FINISHED',
  UNKNOWN_EVENT: 'BAD_REQUEST',
  WRONG_PHASE: 'WRONG_PHASE',
  NOT_A_PARTICIPANT: 'NOT_A_PARTICIPANT',
  ALREADY_ANSWERED: 'ALREADY_ANSWERED',
  ALREADY_SUBMITTED: 'ALREADY_SUBMITTED',
  INVALID_SUBMISSION: 'INVALID_PACKAGE',
  STALE_ROUND: 'STALE_ROUND',
  COMMITMENT_REUSED: 'NONCE_REUSED',
  NOT_COMMITTED: 'NOT_COMMITTED',
  // Only the runtime sends these; a refusal is a runtime bug, not the caller's fault.
  NOT_READY: 'INTERNAL',
  DEADLINE_NOT_REACHED: 'INTERNAL',
};

export function rejectionError(rejection: Rejection): AppError {
  return new AppError(CODES[rejection.code], rejection.message, { reason: rejection.code });
}
