/**
 * DKLs23 signing among exactly t of a key's holders as a session protocol (docs/ecdsa.md,
 * Sessions): `inviting → round1 → round2 → round3 → completed`.
 *
 * - round1: each signer's nonce commitment (broadcast) and, sealed to each other signer, its
 *   multiplication message as Bob;
 * - round2: R_i, salt, pk_i (broadcast; the server checks the opening) and, sealed, its answer
 *   as Alice with Γ^u, Γ^v, ψ;
 * - round3: u_i, w_i, read by the server only; once all are in the server combines, verifies
 *   under the group key and sends AGGREGATED, or FAIL.
 *
 * A signer's secrets r_i, φ_i live in its agent's memory only. An agent that lost them (a crash)
 * says SECRETS_LOST: the session starts a new attempt from round1, with new sids, so no secret
 * is ever used twice. A signer whose check of another's message fails complains: both named.
 *
 * @module
 */
import { SessionInputError, type OwnEvent, type Participant } from '../../session/common.js';
import type { SessionProtocol } from '../../session/description.js';
import { complaintEvent } from '../../session/complaint.js';
import { broadcast } from '../../session/notifications.js';
import { signInvite } from '../../frost/sessions/sign.js';
import { assertSessionInput, statusOfAll, withEntry } from '../../session/participants.js';
import { alreadySubmitted, notAMember, reject, type Rejection } from '../../session/rejection.js';
import { submission } from '../../session/submission.js';
import { SignDirect1Codec, SignDirect2Codec } from '../wire.js';
import { DKLS23_SCHEME } from './messages.js';
import { broadcastsOf, relayRound, sealedSubmission } from './relay.js';
import {
  DEFAULT_MAX_RESTARTS,
  DKLS_SIGN_DONE as DONE,
  DKLS_SIGN_KIND,
  type DklsSignContext,
  type DklsSignEvent,
  type DklsSignInput,
  type DklsSignRound1Event,
  type DklsSignRound2Event,
  type DklsSignRound3Event,
  type SecretsLostEvent,
} from './sign-types.js';

/** Throws `SessionInputError` unless exactly t signers sign a 32-byte digest. */
export function assertDklsSignInput(input: DklsSignInput): void {
  assertSessionInput(input, input.signers, 'sign', [DKLS23_SCHEME]);
  const where = `sign ${input.sessionId}`;
  if (input.signers.length !== input.threshold) {
    throw new SessionInputError(`${where}: DKLs23 signs with exactly ${input.threshold} signers`);
  }
  if (!/^[0-9a-f]{64}$/.test(input.digest)) {
    throw new SessionInputError(`${where}: the digest must be 32 bytes of lowercase hex`);
  }
  const max = input.maxRestarts;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 0)) {
    throw new SessionInputError(`${where}: maxRestarts must be ≥ 0`);
  }
}

/** Every round event carries the attempt it belongs to; another attempt's is stale. */
function staleAttempt(
  context: DklsSignContext,
  event: { type: string; participant: string; attempt: number },
): Rejection | null {
  if (event.attempt === context.attempt) return null;
  return reject(
    'STALE_ROUND',
    `${event.type} from ${event.participant} is for attempt ${event.attempt}; ` +
      `session ${context.sessionId} is in attempt ${context.attempt}`,
  );
}

const restartsLeft = (context: DklsSignContext) => context.maxRestarts - (context.attempt - 1);

function secretsLostRefusal(context: DklsSignContext, event: SecretsLostEvent): Rejection | null {
  const refused = notAMember(context, event.participant) ?? staleAttempt(context, event);
  if (refused) return refused;
  return alreadySubmitted(
    context,
    event.participant,
    [DONE.round3],
    'its round-3 values; its secrets are spent',
  );
}

export const dklsSignSession: SessionProtocol<
  DklsSignContext,
  OwnEvent<DklsSignEvent>,
  DklsSignInput
> = {
  kind: DKLS_SIGN_KIND,
  schemes: [DKLS23_SCHEME],
  members: (input) => input.signers,
  start(input) {
    assertDklsSignInput(input);
    const escrows = input.signers.flatMap((s) => (s.escrow ? [[s.name, s.escrow] as const] : []));
    return {
      kind: DKLS_SIGN_KIND,
      scheme: DKLS23_SCHEME,
      keyId: input.keyId,
      digest: input.digest,
      hashed: input.hashed,
      attempt: 1,
      maxRestarts: input.maxRestarts ?? DEFAULT_MAX_RESTARTS,
      escrows: Object.fromEntries(escrows),
      round1: {},
      round2: {},
      round3: {},
      direct: {},
      result: null,
    };
  },
  // The FROST invitation's shape: `message` is the digest and `commitRound` the attempt.
  invite: (context, participant: Participant) =>
    signInvite(context, participant, {
      message: context.digest,
      hashed: context.hashed,
      commitRound: context.attempt,
    }),
  phaseExtra: (context) => ({ attempt: context.attempt }),
  publicResult: (context) => context.result,
  rounds: [
    {
      phase: 'round1',
      done: DONE.round1,
      delivery: 'broadcast-and-point-to-point',
      encrypted: true,
      settle: (context) =>
        relayRound(context, 'dkls23_sign_round1', {
          attempt: context.attempt,
          broadcasts: broadcastsOf(context, context.round1),
        }),
    },
    {
      phase: 'round2',
      done: DONE.round2,
      delivery: 'broadcast-and-point-to-point',
      encrypted: true,
      settle: (context) =>
        relayRound(context, 'dkls23_sign_round2', {
          attempt: context.attempt,
          broadcasts: broadcastsOf(context, context.round2),
        }),
    },
    // The server combines once every round-3 broadcast is in: AGGREGATED or FAIL.
    {
      phase: 'round3',
      done: DONE.round3,
      delivery: 'server',
      encrypted: false,
      settle: () => 'wait',
    },
  ],
  events: {
    ROUND1: sealedSubmission<DklsSignContext, DklsSignRound1Event>({
      phase: 'round1',
      done: DONE.round1,
      round: 'round-1',
      messageBytes: SignDirect1Codec.bytes,
      into: 'round1',
      first: staleAttempt,
    }),
    ROUND2: sealedSubmission<DklsSignContext, DklsSignRound2Event>({
      phase: 'round2',
      done: DONE.round2,
      round: 'round-2',
      messageBytes: SignDirect2Codec.bytes,
      into: 'round2',
      first: staleAttempt,
    }),
    ROUND3: submission<DklsSignContext, DklsSignRound3Event>({
      phase: 'round3',
      done: DONE.round3,
      what: 'its round-3 values',
      first: staleAttempt,
      store: (context, event) => ({
        round3: withEntry(context.round3, event.participant, event.broadcast),
      }),
    }),
    SECRETS_LOST: {
      phases: ['round1', 'round2', 'round3'],
      check: secretsLostRefusal,
      /** Retire this attempt and start the next from round1, while restarts are left. */
      apply: (context, event) => {
        if (restartsLeft(context) <= 0) {
          const reason =
            `${event.participant} lost its signing secrets after ${context.attempt - 1} ` +
            `restarts (limit ${context.maxRestarts})`;
          return {
            then: { fail: { code: 'SECRETS_LOST', reason, culprits: [event.participant] } },
          };
        }
        const update = {
          attempt: context.attempt + 1,
          round1: {},
          round2: {},
          round3: {},
          direct: {},
          status: statusOfAll(context, 'accepted'),
        };
        const restarted = broadcast('dkls23_sign_restarted', {
          sessionId: context.sessionId,
          participant: event.participant,
          attempt: update.attempt,
          restartsLeft: restartsLeft({ ...context, ...update }),
        });
        return { assign: update, emit: [restarted], then: { restart: 'round1' } };
      },
    },
    // The round-1 relay is checked during round2, the round-2 relay during round3.
    COMPLAIN: complaintEvent({
      phases: ['round2', 'round3'],
      doneIn: (phase) => DONE[phase],
      what: 'this round',
    }),
    AGGREGATED: {
      phases: ['round3'],
      check: (context) =>
        context.waitingFor.length === 0
          ? null
          : reject(
              'NOT_READY',
              `session ${context.sessionId} still waits for round-3 values from ` +
                context.waitingFor.join(', '),
            ),
      apply: (_context, event) => ({ assign: { result: event.result }, then: 'complete' }),
    },
  },
};
