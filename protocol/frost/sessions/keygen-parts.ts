/**
 * What every keygen session has, whatever its scheme (FROST here, DKLs23 in `protocol/dkls23/`):
 * the input rules, the invitation, the confirming round in which all members report the same
 * group key with their escrow, complaints, and the server's check of a confirmation.
 *
 * @module
 */
import { AppError } from '../../errors.js';
import { ComplaintSubmissionSchema } from '../../sessions.js';
import {
  SessionInputError,
  type FailEvent,
  type Participant,
  type SessionContextBase,
} from '../../session/common.js';
import type { ComplainEvent } from '../../session/complaint.js';
import type { EventSpec, RoundSpec, SubmissionSpec } from '../../session/description.js';
import { direct } from '../../session/notifications.js';
import { assertSessionInput, withEntry } from '../../session/participants.js';
import { runningDeadline } from '../../session/phase.js';
import { submission } from '../../session/submission.js';
import type { z } from 'zod';
import { groupKeyVerdict, keygenResult } from './keygen-result.js';
import type {
  ConfirmEvent,
  KeygenConfirmation,
  KeygenPublicResult,
  KeygenResult,
} from './keygen-types.js';

/** The context fields the shared parts read. */
export interface KeygenParts extends SessionContextBase<string, string> {
  label: string | null;
  confirmations: Record<string, KeygenConfirmation>;
  result: KeygenResult | null;
}

/** Throws `SessionInputError` unless 2 ≤ t ≤ n ≤ `maxMembers`, names are unique, indexes 1..n. */
export function assertKeygenMembers(
  input: Parameters<typeof assertSessionInput>[0] & { participants: Participant[] },
  schemes: readonly string[],
  maxMembers = Number.MAX_SAFE_INTEGER,
): void {
  assertSessionInput(input, input.participants, 'keygen', schemes);
  const n = input.participants.length;
  const where = `keygen ${input.sessionId}`;
  if (input.threshold < 2) throw new SessionInputError(`${where}: threshold must be at least 2`);
  if (n > maxMembers) throw new SessionInputError(`${where}: at most ${maxMembers} members`);
  const indexes = input.participants.map((p) => p.index).sort((a, b) => a - b);
  if (indexes.some((index, i) => index !== i + 1)) {
    throw new SessionInputError(`${where}: participant indexes must be 1..${n}`);
  }
}

export const keygenInvite = (context: KeygenParts, participant: Participant) =>
  direct('keygen_invite', participant.name, {
    sessionId: context.sessionId,
    coordinator: context.coordinator,
    scheme: context.scheme,
    label: context.label,
    t: context.threshold,
    n: context.participants.length,
    partIndex: participant.index,
    participants: context.participants,
    deadline: runningDeadline(context),
  });

export function keygenPublicResult(context: KeygenParts): KeygenPublicResult | null {
  if (context.result === null) return null;
  const { groupPublicKey, verifyingShares } = context.result;
  return { groupPublicKey, verifyingShares };
}

/** The last round: every member's confirmation; all must report one group key. */
export function confirmingRound<TContext extends KeygenParts>(done: string): RoundSpec<TContext> {
  return {
    phase: 'confirming',
    done,
    delivery: 'server',
    encrypted: false,
    settle: (context) => {
      const verdict = groupKeyVerdict(context);
      if (verdict.agreed) {
        const result = keygenResult(context, verdict.groupPublicKey);
        return { complete: { result } as Partial<TContext> };
      }
      return {
        fail: {
          code: 'GROUP_KEY_MISMATCH',
          reason: 'participants reported different group public keys',
          culprits: verdict.culprits,
        },
      };
    },
  };
}

export function confirmEvent<TContext extends KeygenParts>(
  done: string,
): EventSpec<TContext, ConfirmEvent> {
  return submission<TContext, ConfirmEvent>({
    phase: 'confirming',
    done,
    what: 'its confirmation',
    store: (context, { participant, groupPublicKey, verifyingShare, escrow }) =>
      ({
        confirmations: withEntry(context.confirmations, participant, {
          groupPublicKey,
          verifyingShare,
          escrow,
        }),
      }) as Partial<TContext>,
  });
}

/** The `complaint` submission, as every protocol with complaints takes it. */
export const complaintSubmission: SubmissionSpec<ComplainEvent> = {
  schema: ComplaintSubmissionSchema,
  event: (participant, s: z.output<typeof ComplaintSubmissionSchema>, at) => ({
    type: 'COMPLAIN',
    participant,
    accused: s.accused,
    reason: s.reason,
    at,
  }),
};

/** The index of a member the machine has already admitted (NOT_A_PARTICIPANT otherwise). */
export function memberIndex(
  context: { sessionId: string; participants: Participant[] },
  name: string,
): number {
  const found = context.participants.find((p) => p.name === name);
  if (!found)
    throw new AppError('NOT_A_PARTICIPANT', `${name} is not a participant of ${context.sessionId}`);
  return found.index;
}

/**
 * The server's check of a confirmation against what the round-1 commitments imply: the event,
 * or a FAIL naming the member (CONFIRMATION_MISMATCH).
 */
export function checkedConfirmation<TEvent extends ConfirmEvent>(
  event: TEvent,
  expected: { groupPublicKey: string; verifyingShare: string | undefined },
): TEvent | FailEvent {
  const differs = [
    event.groupPublicKey !== expected.groupPublicKey ? 'group public key' : '',
    event.verifyingShare !== expected.verifyingShare ? 'verifying share' : '',
  ].filter(Boolean);
  if (differs.length === 0) return event;
  return {
    type: 'FAIL',
    code: 'CONFIRMATION_MISMATCH',
    reason:
      `${event.participant} reported a ${differs.join(' and ')} that the round-1 commitments ` +
      'do not imply',
    culprits: [event.participant],
    at: event.at,
  };
}

/** A confirmation submission of `schema` (which has the three fields) as the CONFIRM event. */
export function confirmSubmission(
  schema: z.ZodType<{ groupPublicKey: string; verifyingShare: string; escrow: string }>,
): SubmissionSpec<ConfirmEvent> {
  return {
    schema,
    event: (participant, s: z.output<typeof schema>, at) => ({
      type: 'CONFIRM',
      participant,
      groupPublicKey: s.groupPublicKey,
      verifyingShare: s.verifyingShare,
      escrow: s.escrow,
      at,
    }),
  };
}
