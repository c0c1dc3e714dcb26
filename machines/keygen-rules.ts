/**
 * When the keygen machine accepts an event, and why it refuses one.
 *
 * @module
 */
import type { KeygenContext, KeygenEvent, Round2Event } from './keygen-types.js';
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

/** ROUND2 must carry exactly one ciphertext for every other participant. */
function wrongRecipients(context: KeygenContext, event: Round2Event): Rejection | null {
  const expected = context.participants.map((p) => p.name).filter((n) => n !== event.participant);
  const given = Object.keys(event.shares);
  const missing = expected.filter((n) => !Object.hasOwn(event.shares, n));
  const unexpected = given.filter((n) => !expected.includes(n));
  if (missing.length === 0 && unexpected.length === 0) return null;
  const parts = [
    missing.length > 0 ? `missing shares for ${missing.join(', ')}` : '',
    unexpected.length > 0 ? `unexpected recipients ${unexpected.join(', ')}` : '',
  ].filter(Boolean);
  return reject(
    'INVALID_SUBMISSION',
    `round-2 shares from ${event.participant}: ${parts.join('; ')}`,
  );
}

export const keygenRules: EventRules<KeygenContext, KeygenEvent> = {
  ...commonRules<KeygenContext>(),
  ROUND1: {
    phases: ['round1'],
    check: (context, event) =>
      notAMember(context, event.participant) ??
      alreadySubmitted(context, event.participant, ['round1'], 'its round-1 package'),
  },
  ROUND2: {
    phases: ['round2'],
    check: (context, event) =>
      notAMember(context, event.participant) ??
      alreadySubmitted(context, event.participant, ['round2'], 'its round-2 shares') ??
      wrongRecipients(context, event),
  },
  CONFIRM: {
    phases: ['confirming'],
    check: (context, event) =>
      notAMember(context, event.participant) ??
      alreadySubmitted(context, event.participant, ['confirmed'], 'its confirmation'),
  },
  COMPLAIN: {
    phases: ['confirming'],
    check: (context, event) => {
      const { participant, accused } = event;
      const notMember = notAMember(context, participant) ?? notAMember(context, accused);
      if (notMember) return notMember;
      if (accused === participant) {
        return reject('INVALID_SUBMISSION', `${participant} cannot complain about itself`);
      }
      return alreadySubmitted(
        context,
        participant,
        ['confirmed'],
        'its confirmation, so it cannot complain',
      );
    },
  },
};

/**
 * Why `event` would be refused in `snapshot` (live or persisted), or `null` if the machine
 * takes it. Call it before `actor.send` and return the typed error instead of sending.
 */
export function explainKeygenRejection(
  snapshot: SnapshotLike<KeygenContext>,
  event: KeygenEvent,
): Rejection | null {
  return explainWith(keygenRules, snapshot, event);
}
