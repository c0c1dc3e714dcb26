import type {
  AnySessionEvent,
  AnySessionNotification,
  SignContext,
  SignEvent,
} from '../../machines/index.js';
import type { KeyRow } from '../../db/keys.js';
import { recordCommitments, seenCommitments } from '../../db/nonce-commitments.js';
import type { Queryable } from '../../db/queryable.js';
import { AppError } from '../../protocol/errors.js';
import { FrostError, aggregate, verifySignature } from '../../protocol/frost/index.js';
import type { LiveSession } from './live-session.js';
import { rejectionError } from './rejections.js';
import { storedAs, type CompletedSession, type SessionFlow } from './session-flow.js';

function signContext(live: LiveSession): SignContext {
  const context = live.context;
  if (context.kind !== 'sign') throw new Error(`session ${live.id} is not a sign session`);
  return context;
}

function keyOf(live: LiveSession): KeyRow {
  if (!live.key) throw new Error(`sign session ${live.id} has no key loaded`);
  return live.key;
}

function admit(live: LiveSession, event: SignEvent): void {
  const rejection = live.explain(event);
  if (rejection) throw rejectionError(rejection);
}

/** Shares are all in: aggregate, verify, and name the culprits only if that fails. */
function aggregateShares(live: LiveSession, at: number): AnySessionEvent {
  const context = signContext(live);
  const key = keyOf(live);
  const byIndex = <T>(value: (name: string) => T) =>
    Object.fromEntries(context.participants.map((p) => [p.index, value(p.name)]));
  const nameOf = (index: number) =>
    context.participants.find((p) => p.index === index)?.name ?? `#${index}`;
  try {
    const signature = aggregate(
      context.scheme,
      {
        t: key.threshold,
        n: key.participants.length,
        groupPublicKey: key.groupPublicKey,
        verifyingShares: key.verifyingShares,
      },
      { message: context.message, commitments: byIndex((name) => context.commitments[name]!) },
      byIndex((name) => context.shares[name]!),
    );
    if (!verifySignature(context.scheme, key.groupPublicKey, context.message, signature)) {
      const reason = 'the aggregated signature does not verify under the group key';
      return { type: 'FAIL', code: 'INVALID_SIGNATURE', reason, culprits: [], at };
    }
    return { type: 'AGGREGATED', signature, at };
  } catch (err) {
    if (!(err instanceof FrostError)) throw err;
    const culprits = err.culprits.map(nameOf);
    const code =
      err.code === 'INVALID_SIGNATURE_SHARE' ? 'INVALID_SIGNATURE_SHARE' : 'AGGREGATION_FAILED';
    const reason =
      code === 'INVALID_SIGNATURE_SHARE'
        ? `invalid signature share from ${culprits.join(', ')}`
        : err.message;
    return { type: 'FAIL', code, reason, culprits, at };
  }
}

/** Sign sessions: single-use nonce commitments, aggregation, the signature as the result. */
export function signFlow(opts: { db: Queryable }): SessionFlow {
  return {
    check(live, participant, submission, at) {
      switch (submission.kind) {
        case 'commitments': {
          const { commitRound, hiding, binding } = submission;
          const event: SignEvent = {
            type: 'COMMIT',
            participant,
            commitRound,
            commitments: { hiding, binding },
            at,
          };
          admit(live, event);
          const seen = seenCommitments(opts.db, [hiding, binding]);
          if (seen.length > 0) {
            throw new AppError(
              'NONCE_REUSED',
              `${participant} sent a nonce commitment the server has seen before; ` +
                'nonces are single use: commit with fresh nonces',
            );
          }
          const write = (tx: Queryable) =>
            recordCommitments(tx, {
              commitments: [hiding, binding],
              participant,
              sessionId: live.id,
              at,
            });
          return { event, write };
        }
        case 'share': {
          const { commitRound, share } = submission;
          const event: SignEvent = { type: 'SHARE', participant, commitRound, share, at };
          admit(live, event);
          return { event };
        }
        case 'nonces_lost': {
          const event: SignEvent = {
            type: 'NONCES_LOST',
            participant,
            commitRound: submission.commitRound,
            at,
          };
          admit(live, event);
          return { event };
        }
        default:
          throw new AppError(
            'BAD_REQUEST',
            `sign sessions take commitments, share and nonces_lost submissions, not ${submission.kind}`,
          );
      }
    },

    followUp(live, at) {
      if (live.ended || live.state !== 'shares' || live.context.waitingFor.length > 0) return null;
      return aggregateShares(live, at);
    },

    complete(_tx, live): CompletedSession {
      const context = signContext(live);
      if (!context.result) throw new Error(`sign ${live.id} completed without a signature`);
      const key = keyOf(live);
      const result = {
        signature: context.result.signature,
        keyId: key.id,
        groupPublicKey: key.groupPublicKey,
        message: context.message,
      };
      return { result };
    },

    decorate(live, notification: AnySessionNotification, completed) {
      const stored = storedAs(notification);
      if (notification.type === 'sign_invite') {
        // The escrow blob is bound to the keygen session id; a participant needs it to open it.
        const keygenSessionId = keyOf(live).keygenSessionId;
        return { ...stored, payload: { ...stored.payload, keygenSessionId } };
      }
      if (notification.type === 'session_completed' && completed) {
        return { ...stored, payload: { ...stored.payload, result: completed.result } };
      }
      return stored;
    },
  };
}
