import { keyBansOf } from '../../db/key-bans.js';
import { recordCommitments, seenCommitments } from '../../db/nonce-commitments.js';
import type { Queryable } from '../../db/queryable.js';
import { EncryptedShareSchema } from '../../protocol/e2e.js';
import { AppError } from '../../protocol/errors.js';
import type { FailEvent, TimedEvent } from '../../protocol/session/common.js';
import type { ProtocolSubmission, Submission } from '../../protocol/sessions.js';
import { describeIssues } from '../../protocol/validation.js';
import type { LiveSession } from './live-session.js';
import { rejectionError } from './rejections.js';

/** What a submission becomes once checked: the machine event and writes to do with it. */
export interface CheckedSubmission {
  event: TimedEvent;
  /** Extra rows written in the transaction of the transition (e.g. nonce commitments). */
  write?: (tx: Queryable) => void;
}

const SHARE_ENVELOPE = {
  schema: EncryptedShareSchema,
  layout: 'an encrypted share is nonce(24) ‖ ciphertext(32) ‖ tag(16)',
};

/** Every point-to-point payload of an encrypted round is a well-formed end-to-end envelope. */
function checkEnvelopes(live: LiveSession, sender: string, event: TimedEvent): void {
  const { session } = live.protocol;
  const spec = (session.events as Record<string, (typeof session.events)[string]>)[event.type];
  const round = session.rounds.find((r) => r.phase === live.state);
  if (!spec?.pointToPoint || !round?.encrypted) return;
  const { schema, layout } = spec.pointToPoint.envelope ?? SHARE_ENVELOPE;
  for (const [recipient, payload] of Object.entries(spec.pointToPoint.payloads(event))) {
    const parsed = schema.safeParse(payload);
    if (parsed.success) continue;
    throw new AppError(
      'INVALID_PACKAGE',
      `${spec.pointToPoint.what} from ${sender} to ${recipient}: ` +
        `${describeIssues(parsed.error, { first: true })} (${layout})`,
    );
  }
}

/**
 * A session of a key whose protocol bars members (DKLs23) fails at the first submission after
 * one of its members was barred (by another session of the key that failed meanwhile),
 * whatever the submission: the others learn nothing more from the barred member's messages,
 * and the barred one learns nothing from how they took them (docs/ecdsa.md, Bans).
 */
function barredIn(live: LiveSession, db: Queryable, at: number): FailEvent | null {
  if (!live.key || !live.protocol.checks.bansOnFailure) return null;
  const bans = new Map(keyBansOf(db, live.key.id).map((b) => [b.participant, b.sessionId]));
  const barred = live.context.participants.filter((p) => bans.has(p.name)).map((p) => p.name);
  if (barred.length === 0) return null;
  const why = barred.map((name) => `${name} (named by ${bans.get(name)})`).join(', ');
  const reason = `key ${live.key.id} has barred ${why} since this session began`;
  return { type: 'FAIL', code: 'PARTICIPANT_BANNED', reason, culprits: barred, at };
}

/**
 * The one admit path: a participant's submission, whatever the protocol, becomes the machine
 * event — or a typed error and nothing changes. In order: the protocol takes this kind; its
 * schema holds; the machine would take the event now (before any crypto is spent on it);
 * encrypted payloads are envelopes; the protocol's checks pass (a cryptographically bad
 * submission becomes a FAIL naming the sender); single-use values were never seen.
 */
export function admit(
  live: LiveSession,
  deps: { db: Queryable; network: string },
  participant: string,
  submission: Submission | ProtocolSubmission,
  at: number,
): CheckedSubmission {
  const { checks } = live.protocol;
  const spec = Object.hasOwn(checks.submissions, submission.kind)
    ? checks.submissions[submission.kind]
    : undefined;
  if (!spec) {
    const names = Object.keys(checks.submissions);
    const kinds = `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    throw new AppError(
      'BAD_REQUEST',
      `${live.kind} sessions take ${kinds} submissions, not ${submission.kind}`,
    );
  }
  const parsed = spec.schema.safeParse(submission);
  if (!parsed.success) {
    const why = describeIssues(parsed.error, { under: 'submission' });
    throw new AppError('BAD_REQUEST', `invalid input: ${why}`);
  }
  const event = spec.event(participant, parsed.data as never, at);
  const rejection = live.explain(event);
  if (rejection) throw rejectionError(rejection);
  checkEnvelopes(live, participant, event);
  const barred = barredIn(live, deps.db, at);
  if (barred) return { event: barred };
  const checked = checks.verify ? checks.verify(live.facts(deps.network, at), event) : event;
  const single = checked.type === 'FAIL' ? null : checks.singleUse?.(checked);
  if (!single) return { event: checked };
  if (seenCommitments(deps.db, [...single.values]).length > 0) {
    throw new AppError('NONCE_REUSED', single.refusal);
  }
  const write = (tx: Queryable) => {
    const recorded = recordCommitments(tx, {
      commitments: [...single.values],
      participant,
      sessionId: live.id,
      at,
    });
    // Seen by a transition queued in the same group commit: refused all the same.
    if (!recorded) throw new AppError('NONCE_REUSED', single.refusal);
  };
  return { event: checked, write };
}
