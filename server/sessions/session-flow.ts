import type { AnySessionEvent, AnySessionNotification } from '../../machines/index.js';
import type { Queryable } from '../../db/queryable.js';
import type { Submission } from '../../protocol/sessions.js';
import type { LiveSession } from './live-session.js';

/** A notification as stored: type, recipient (null = everyone) and payload. */
export interface StoredNotification {
  type: string;
  recipient: string | null;
  payload: Record<string, unknown>;
}

/** What a submission becomes once checked: the machine event and writes to do with it. */
export interface CheckedSubmission {
  event: AnySessionEvent;
  /** Extra rows written in the transaction of the transition (e.g. nonce commitments). */
  write?: (tx: Queryable) => void;
}

/**
 * What differs between keygen and sign sessions at runtime: the crypto checks on submissions,
 * the facts the runtime adds to notifications, the events it sends itself, and what completing
 * writes. Machines stay pure; everything here may use crypto and the database.
 */
export interface SessionFlow {
  /**
   * Turns a participant's submission into the machine event, after the typed checks (malformed
   * → AppError, no state change). A cryptographically bad submission becomes a FAIL naming
   * the sender.
   */
  check(
    live: LiveSession,
    participant: string,
    submission: Submission,
    at: number,
  ): CheckedSubmission;
  /** The runtime's own next event after a transition (sign: AGGREGATED or FAIL), or null. */
  followUp(live: LiveSession, at: number): AnySessionEvent | null;
  /** Rows written when the session completes (inside its transaction); returns `result`. */
  complete(tx: Queryable, live: LiveSession, at: number): CompletedSession;
  /** Adds runtime facts (transcript hash, key id, ...) to a notification before it is stored. */
  decorate(
    live: LiveSession,
    notification: AnySessionNotification,
    completed: CompletedSession | null,
  ): StoredNotification;
}

export interface CompletedSession {
  result: Record<string, unknown>;
  /** Keygen: the key it created (stored in sessions.key_id). */
  keyId?: string;
}

/** A notification's payload as a JSON object (they all are). */
export function storedAs(notification: AnySessionNotification): StoredNotification {
  return {
    type: notification.type,
    recipient: notification.recipient,
    payload: notification.payload as unknown as Record<string, unknown>,
  };
}
