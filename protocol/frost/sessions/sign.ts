/**
 * FROST signing among at least t of a key's holders as a session protocol:
 * `inviting → commitments → shares → completed`.
 *
 * - commitments: each signer's nonce commitments for the current `commitRound`; once all are
 *   in, everyone gets the signing package (broadcast);
 * - shares: each signer's signature share, read by the server only; once all are in, the server
 *   aggregates and verifies, then sends AGGREGATED, or FAIL naming whose shares do not verify.
 *
 * Nonces are single use: NONCES_LOST from a signer that committed clears every commitment and
 * share, bumps `commitRound` and asks everyone to commit again; COMMIT and SHARE must carry the
 * current `commitRound`, and commitments seen before are refused. After `maxCommitRestarts`
 * restarts, the next NONCES_LOST fails the session.
 *
 * @module
 */
import {
  SessionInputError,
  type OwnEvent,
  type Participant,
  type SessionContextBase,
} from '../../session/common.js';
import type { SessionProtocol } from '../../session/description.js';
import { broadcast, direct } from '../../session/notifications.js';
import {
  assertSessionInput,
  inIndexOrder,
  statusOfAll,
  withEntry,
} from '../../session/participants.js';
import { runningDeadline } from '../../session/phase.js';
import { alreadySubmitted, notAMember, reject, type Rejection } from '../../session/rejection.js';
import { submission } from '../../session/submission.js';
import { SCHEMES } from '../schemes.js';
import {
  DEFAULT_MAX_COMMIT_RESTARTS,
  SIGN_DONE_STATUS as DONE,
  type CommitEvent,
  type NoncesLostEvent,
  type ShareEvent,
  type SignContext,
  type SignEvent,
  type SignInput,
} from './sign-types.js';

/** Throws `SessionInputError` unless ≥ threshold signers have distinct names and indexes. */
export function assertSignInput(input: SignInput): void {
  assertSessionInput(input, input.signers, 'sign', SCHEMES);
  const max = input.maxCommitRestarts;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 0)) {
    throw new SessionInputError(`sign ${input.sessionId}: maxCommitRestarts must be ≥ 0`);
  }
}

function restartsLeft(context: SignContext): number {
  return context.maxCommitRestarts - (context.commitRound - 1);
}

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

function lowerCaseCommitments(context: SignContext): string[] {
  return Object.values(context.commitments).flatMap((c) => [
    c.hiding.toLowerCase(),
    c.binding.toLowerCase(),
  ]);
}

/** Nonces are single use: no commitment from an earlier round, or someone else's, twice. */
function reusedCommitment(context: SignContext, event: CommitEvent): Rejection | null {
  const { hiding, binding } = event.commitments;
  const fresh = [hiding.toLowerCase(), binding.toLowerCase()];
  const seen = new Set([...context.spentCommitments, ...lowerCaseCommitments(context)]);
  if (fresh[0] !== fresh[1] && !fresh.some((c) => seen.has(c))) return null;
  return reject(
    'COMMITMENT_REUSED',
    `${event.participant} sent a nonce commitment that was already used in session ` +
      `${context.sessionId}; commit with fresh nonces`,
  );
}

function noncesLostRefusal(context: SignContext, event: NoncesLostEvent): Rejection | null {
  const { participant } = event;
  const refused = notAMember(context, participant) ?? staleRound(context, event);
  if (refused) return refused;
  const status = context.status[participant];
  if (status === DONE.shares) {
    return alreadySubmitted(context, participant, [DONE.shares], 'its share; its nonces are spent');
  }
  if (status === DONE.commitments) return null;
  return reject(
    'NOT_COMMITTED',
    `${participant} has no commitment in round ${context.commitRound} of session ` +
      `${context.sessionId}; it can simply commit with fresh nonces`,
  );
}

/**
 * The invitation to a signing, of any scheme: the key, what is signed (`message`, and for an
 * ECDSA key the digest), the signers, the member's own escrow blob, and the round it starts in.
 */
export function signInvite(
  context: SessionContextBase<string, string> & { keyId: string; escrows: Record<string, string> },
  participant: Participant,
  fields: { message: string; commitRound: number; [field: string]: unknown },
) {
  return direct('sign_invite', participant.name, {
    sessionId: context.sessionId,
    coordinator: context.coordinator,
    scheme: context.scheme,
    keyId: context.keyId,
    t: context.threshold,
    partIndex: participant.index,
    participants: context.participants,
    escrow: context.escrows[participant.name] ?? null,
    deadline: runningDeadline(context),
    ...fields,
  });
}

export const frostSignSession: SessionProtocol<SignContext, OwnEvent<SignEvent>, SignInput> = {
  kind: 'sign',
  schemes: SCHEMES,
  members: (input) => input.signers,
  start(input) {
    assertSignInput(input);
    const escrows = input.signers.flatMap((s) => (s.escrow ? [[s.name, s.escrow] as const] : []));
    return {
      kind: 'sign',
      keyId: input.keyId,
      message: input.message,
      commitRound: 1,
      maxCommitRestarts: input.maxCommitRestarts ?? DEFAULT_MAX_COMMIT_RESTARTS,
      escrows: Object.fromEntries(escrows),
      commitments: {},
      shares: {},
      spentCommitments: [],
      result: null,
    };
  },
  invite: (context, participant: Participant) =>
    signInvite(context, participant, {
      message: context.message,
      commitRound: context.commitRound,
    }),
  phaseExtra: (context) => ({ commitRound: context.commitRound }),
  publicResult: (context) => context.result,
  rounds: [
    {
      phase: 'commitments',
      done: DONE.commitments,
      delivery: 'broadcast',
      encrypted: false,
      settle: (context) => {
        const commitments = inIndexOrder(context, context.commitments).map(
          ({ name, index, value }) => ({
            name,
            index,
            hiding: value.hiding,
            binding: value.binding,
          }),
        );
        const signingPackage = broadcast('signing_package', {
          sessionId: context.sessionId,
          keyId: context.keyId,
          scheme: context.scheme,
          message: context.message,
          commitRound: context.commitRound,
          commitments,
        });
        return { next: [signingPackage] };
      },
    },
    // The server aggregates once every share is in and answers with AGGREGATED or FAIL.
    {
      phase: 'shares',
      done: DONE.shares,
      delivery: 'server',
      encrypted: false,
      settle: () => 'wait',
    },
  ],
  events: {
    COMMIT: submission<SignContext, CommitEvent>({
      phase: 'commitments',
      done: DONE.commitments,
      what: 'its nonce commitments',
      store: (context, event) => {
        const { hiding, binding } = event.commitments;
        return {
          commitments: withEntry(context.commitments, event.participant, { hiding, binding }),
        };
      },
      first: staleRound,
      last: reusedCommitment,
    }),
    SHARE: submission<SignContext, ShareEvent>({
      phase: 'shares',
      done: DONE.shares,
      what: 'its signature share',
      store: (context, event) => ({
        shares: withEntry(context.shares, event.participant, event.share),
      }),
      first: staleRound,
    }),
    NONCES_LOST: {
      phases: ['commitments', 'shares'],
      check: noncesLostRefusal,
      /** Retire every commitment of this round and start it again, while restarts are left. */
      apply: (context, event) => {
        if (restartsLeft(context) <= 0) {
          const reason =
            `${event.participant} lost its nonces after the commitment round was restarted ` +
            `${context.commitRound - 1} times (limit ${context.maxCommitRestarts})`;
          return { then: { fail: { code: 'NONCES_LOST', reason, culprits: [event.participant] } } };
        }
        const update = {
          commitRound: context.commitRound + 1,
          commitments: {},
          shares: {},
          spentCommitments: [...context.spentCommitments, ...lowerCaseCommitments(context)],
          status: statusOfAll(context, 'accepted'),
        };
        const restarted = broadcast('commit_round_restarted', {
          sessionId: context.sessionId,
          participant: event.participant,
          commitRound: update.commitRound,
          restartsLeft: restartsLeft({ ...context, ...update }),
        });
        return { assign: update, emit: [restarted], then: { restart: 'commitments' } };
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
      apply: (_context, event) => ({
        assign: { result: { signature: event.signature } },
        then: 'complete',
      }),
    },
  },
};
