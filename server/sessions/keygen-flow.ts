import type {
  AnySessionNotification,
  KeygenContext,
  KeygenEvent,
  Participant,
} from '../../machines/index.js';
import { insertEscrows, insertKeyRow } from '../../db/keys.js';
import type { Queryable } from '../../db/queryable.js';
import { p2trAddress, type Network } from '../../protocol/address.js';
import { EncryptedShareSchema, EscrowBlobSchema } from '../../protocol/e2e.js';
import { AppError } from '../../protocol/errors.js';
import {
  expectedConfirmation,
  round1PackageSchema,
  schemeInfo,
  verifyRound1,
  type ExpectedConfirmation,
} from '../../protocol/frost/index.js';
import type { Submission } from '../../protocol/sessions.js';
import { round1TranscriptHash } from '../../protocol/transcript.js';
import { keyIdFor } from './ids.js';
import type { LiveSession } from './live-session.js';
import { rejectionError } from './rejections.js';
import {
  storedAs,
  type CheckedSubmission,
  type CompletedSession,
  type SessionFlow,
} from './session-flow.js';

function keygenContext(live: LiveSession): KeygenContext {
  const context = live.context;
  if (context.kind !== 'keygen') throw new Error(`session ${live.id} is not a keygen session`);
  return context;
}

function member(context: KeygenContext, name: string): Participant {
  const found = context.participants.find((p) => p.name === name);
  if (!found)
    throw new AppError('NOT_A_PARTICIPANT', `${name} is not a participant of ${context.sessionId}`);
  return found;
}

/** The first zod issue as `path: message`. */
function firstIssue(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  const issue = error.issues[0];
  const path = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  return `${path}${issue?.message ?? 'malformed'}`;
}

/** The machine must take the event before any crypto work is done for it. */
function admit(live: LiveSession, event: KeygenEvent): void {
  const rejection = live.explain(event);
  if (rejection) throw rejectionError(rejection);
}

/** Group key and verifying shares implied by the round-1 commitments (computed once). */
function expectedFor(live: LiveSession): ExpectedConfirmation {
  const cached = live.cache.get('expected') as ExpectedConfirmation | undefined;
  if (cached) return cached;
  const context = keygenContext(live);
  const packages = Object.fromEntries(
    context.participants.map((p) => [p.index, context.round1[p.name]]),
  );
  const n = context.participants.length;
  const expected = expectedConfirmation(context.scheme, context.threshold, n, packages);
  live.cache.set('expected', expected);
  return expected;
}

function checkRound1(live: LiveSession, name: string, pkg: unknown, at: number): CheckedSubmission {
  const context = keygenContext(live);
  admit(live, { type: 'ROUND1', participant: name, package: {}, at });
  const { index } = member(context, name);
  const shape = round1PackageSchema(context.scheme, context.threshold).safeParse(pkg);
  if (!shape.success) {
    throw new AppError('INVALID_PACKAGE', `round-1 package of ${name}: ${firstIssue(shape.error)}`);
  }
  const verified = verifyRound1(context.scheme, index, context.threshold, shape.data);
  if (!verified.ok) {
    return {
      event: {
        type: 'FAIL',
        code: 'INVALID_PROOF',
        reason: `${name} sent an invalid DKG proof of knowledge`,
        culprits: [name],
        at,
      },
    };
  }
  return { event: { type: 'ROUND1', participant: name, package: verified.package, at } };
}

function checkRound2(
  live: LiveSession,
  name: string,
  shares: Record<string, string>,
  at: number,
): CheckedSubmission {
  const event: KeygenEvent = { type: 'ROUND2', participant: name, shares, at };
  admit(live, event);
  for (const [recipient, ciphertext] of Object.entries(shares)) {
    const parsed = EncryptedShareSchema.safeParse(ciphertext);
    if (!parsed.success) {
      throw new AppError(
        'INVALID_PACKAGE',
        `round-2 share from ${name} to ${recipient}: ${firstIssue(parsed.error)} ` +
          '(an encrypted share is nonce(24) ‖ ciphertext(32) ‖ tag(16))',
      );
    }
  }
  return { event };
}

function checkConfirmation(
  live: LiveSession,
  name: string,
  report: Extract<Submission, { kind: 'confirm' }>,
  at: number,
): CheckedSubmission {
  const { groupPublicKey, verifyingShare, escrow } = report;
  const event: KeygenEvent = {
    type: 'CONFIRM',
    participant: name,
    groupPublicKey,
    verifyingShare,
    escrow,
    at,
  };
  admit(live, event);
  const blob = EscrowBlobSchema.safeParse(escrow);
  if (!blob.success) {
    throw new AppError('INVALID_PACKAGE', `escrow blob of ${name}: ${firstIssue(blob.error)}`);
  }
  const expected = expectedFor(live);
  const { index } = member(keygenContext(live), name);
  const differs = [
    groupPublicKey !== expected.groupPublicKey ? 'group public key' : '',
    verifyingShare !== expected.verifyingShares[index] ? 'verifying share' : '',
  ].filter(Boolean);
  if (differs.length > 0) {
    return {
      event: {
        type: 'FAIL',
        code: 'CONFIRMATION_MISMATCH',
        reason: `${name} reported a ${differs.join(' and ')} that the round-1 commitments do not imply`,
        culprits: [name],
        at,
      },
    };
  }
  return { event };
}

/** Keygen sessions: DKG checks, transcript hash, and the `keys` row on completion. */
export function keygenFlow(opts: { network: Network }): SessionFlow {
  return {
    check(live, participant, submission, at) {
      switch (submission.kind) {
        case 'round1':
          return checkRound1(live, participant, submission.package, at);
        case 'round2':
          return checkRound2(live, participant, submission.shares, at);
        case 'complaint': {
          const { accused, reason } = submission;
          const event: KeygenEvent = { type: 'COMPLAIN', participant, accused, reason, at };
          admit(live, event);
          return { event };
        }
        case 'confirm':
          return checkConfirmation(live, participant, submission, at);
        default:
          throw new AppError(
            'BAD_REQUEST',
            `keygen sessions take round1, round2, complaint and confirm submissions, not ${submission.kind}`,
          );
      }
    },

    followUp: () => null,

    complete(tx: Queryable, live: LiveSession, at: number): CompletedSession {
      const context = keygenContext(live);
      if (!context.result) throw new Error(`keygen ${live.id} completed without a result`);
      const expected = expectedFor(live);
      const keyId = keyIdFor(live.id);
      const taproot = schemeInfo(context.scheme).taproot;
      const address = taproot ? p2trAddress(expected.groupPublicKey, opts.network) : null;
      insertKeyRow(tx, {
        id: keyId,
        scheme: context.scheme,
        groupPublicKey: expected.groupPublicKey,
        threshold: context.threshold,
        participants: context.participants.map(({ name, index }) => ({ name, index })),
        verifyingShares: Object.fromEntries(
          Object.entries(expected.verifyingShares).map(([index, share]) => [String(index), share]),
        ),
        address,
        keygenSessionId: live.id,
        coordinator: context.coordinator,
        createdAt: at,
      });
      insertEscrows(tx, keyId, context.result.escrows, at);
      const result = {
        keyId,
        groupPublicKey: expected.groupPublicKey,
        ...(address ? { address } : {}),
      };
      return { result, keyId };
    },

    decorate(_live, notification: AnySessionNotification, completed) {
      const stored = storedAs(notification);
      if (notification.type === 'round1_packages') {
        const transcriptHash = round1TranscriptHash(notification.payload.packages);
        return { ...stored, payload: { ...stored.payload, transcriptHash } };
      }
      if (notification.type === 'session_completed' && completed) {
        const result = { ...(notification.payload.result as object), ...completed.result };
        return { ...stored, payload: { ...stored.payload, result } };
      }
      return stored;
    },
  };
}
