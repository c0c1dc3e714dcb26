/**
 * When the sign machine accepts an event, and why it refuses one.
 *
 * @module
 */
import type {
  CommitEvent,
  NoncesLostEvent,
  ShareEvent,
  SignContext,
  SignEvent,
} from './sign-types.js';
import {
  alreadySubmitted,
  commonRules,
  explainWith,
  notAMember,
  reject,
  type EventRules,
  type Rejection,
  type SnapshotLike,
} from './rejection.js';

function staleRound(
  context: SignContext,
  event: CommitEvent | ShareEvent | NoncesLostEvent,
): Rejection | null {
  if (event.commitRound === undefined || event.commitRound === context.commitRound) return null;
  return reject(
    'STALE_ROUND',
    `${event.type} from ${event.participant} is for commitment round ${event.commitRound}; ` +
      `session ${context.sessionId} is in round ${context.commitRound}`,
  );
}

/** Nonces are single use: no commitment from an earlier round, or someone else's, twice. */
function reusedCommitment(context: SignContext, event: CommitEvent): Rejection | null {
  const { hiding, binding } = event.commitments;
  const fresh = [hiding.toLowerCase(), binding.toLowerCase()];
  const current = Object.values(context.commitments).flatMap((c) => [
    c.hiding.toLowerCase(),
    c.binding.toLowerCase(),
  ]);
  const seen = new Set([...context.spentCommitments, ...current]);
  if (fresh[0] !== fresh[1] && !fresh.some((c) => seen.has(c))) return null;
  return reject(
    'COMMITMENT_REUSED',
    `${event.participant} sent a nonce commitment that was already used in session ` +
      `${context.sessionId}; commit with fresh nonces`,
  );
}

export const signRules: EventRules<SignContext, SignEvent> = {
  ...commonRules<SignContext>(),
  COMMIT: {
    phases: ['commitments'],
    check: (context, event) =>
      notAMember(context, event.participant) ??
      staleRound(context, event) ??
      alreadySubmitted(context, event.participant, ['committed'], 'its nonce commitments') ??
      reusedCommitment(context, event),
  },
  SHARE: {
    phases: ['shares'],
    check: (context, event) =>
      notAMember(context, event.participant) ??
      staleRound(context, event) ??
      alreadySubmitted(context, event.participant, ['signed'], 'its signature share'),
  },
  NONCES_LOST: {
    phases: ['commitments', 'shares'],
    check: (context, event) => {
      const { participant } = event;
      const refused = notAMember(context, participant) ?? staleRound(context, event);
      if (refused) return refused;
      const status = context.status[participant];
      if (status === 'signed') {
        return alreadySubmitted(
          context,
          participant,
          ['signed'],
          'its share; its nonces are spent',
        );
      }
      if (status === 'committed') return null;
      return reject(
        'NOT_COMMITTED',
        `${participant} has no commitment in round ${context.commitRound} of session ` +
          `${context.sessionId}; it can simply commit with fresh nonces`,
      );
    },
  },
  AGGREGATED: {
    phases: ['shares'],
    check: (context) =>
      context.waitingFor.length === 0
        ? null
        : reject(
            'NOT_READY',
            `session ${context.sessionId} still waits for shares from ` +
              context.waitingFor.join(', '),
          ),
  },
};

/**
 * Why `event` would be refused in `snapshot` (live or persisted), or `null` if the machine
 * takes it. Call it before `actor.send` and return the typed error instead of sending.
 */
export function explainSignRejection(
  snapshot: SnapshotLike<SignContext>,
  event: SignEvent,
): Rejection | null {
  return explainWith(signRules, snapshot, event);
}
