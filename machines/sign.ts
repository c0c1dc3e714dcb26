/**
 * The sign session machine: a FROST signing among at least t of a key's participants.
 *
 * `inviting → commitments → shares → completed`, or one of the final states
 * `rejected | failed | timed_out | aborted`. Once every share is in (`shares` with an empty
 * `waitingFor`), the runtime aggregates and verifies, then sends AGGREGATED, or FAIL naming the
 * participants whose shares do not verify.
 *
 * Nonces are single use: NONCES_LOST from a participant that committed clears every commitment
 * and share, bumps `commitRound` and asks everyone to commit again; COMMIT and SHARE must carry
 * the current `commitRound`, and commitments seen in earlier rounds are refused. After
 * `maxCommitRestarts` restarts, the next NONCES_LOST fails the session.
 *
 * @module
 */
import { assertEvent, enqueueActions, setup } from 'xstate';
import { SessionInputError, type Participant } from './common.js';
import { completedAt, failedWith } from './lifecycle.js';
import { broadcast, direct, submitted } from './notifications.js';
import {
  assertSessionInput,
  inIndexOrder,
  markStatus,
  statusOfAll,
  withEntry,
} from './participants.js';
import { runningDeadline } from './phase.js';
import { sessionActions, sessionGuards } from './session-actions.js';
import { initialSessionFields } from './session-context.js';
import {
  invitingState,
  phaseEntry,
  sessionWideTransitions,
  terminalStates,
} from './session-states.js';
import { signRules } from './sign-rules.js';
import {
  DEFAULT_MAX_COMMIT_RESTARTS,
  SIGN_DONE_STATUS as DONE,
  type SignContext,
  type SignEvent,
  type SignInput,
  type SignInviteNotification,
  type SignNotification,
  type SignResult,
} from './sign-types.js';

/** Throws `SessionInputError` unless ≥ threshold signers have distinct names and indexes. */
export function assertSignInput(input: SignInput): void {
  assertSessionInput(input, input.signers, 'sign');
  const max = input.maxCommitRestarts;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 0)) {
    throw new SessionInputError(`sign ${input.sessionId}: maxCommitRestarts must be ≥ 0`);
  }
}

function initialContext(input: SignInput): SignContext {
  assertSignInput(input);
  const escrows = input.signers.flatMap((s) => (s.escrow ? [[s.name, s.escrow] as const] : []));
  return {
    ...initialSessionFields('sign', input, input.signers),
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
}

function invite(context: SignContext, participant: Participant): SignInviteNotification {
  return direct('sign_invite', participant.name, {
    sessionId: context.sessionId,
    coordinator: context.coordinator,
    scheme: context.scheme,
    keyId: context.keyId,
    message: context.message,
    t: context.threshold,
    partIndex: participant.index,
    participants: context.participants,
    escrow: context.escrows[participant.name] ?? null,
    commitRound: context.commitRound,
    deadline: runningDeadline(context),
  });
}

function restartsLeft(context: SignContext): number {
  return context.maxCommitRestarts - (context.commitRound - 1);
}

/** NONCES_LOST: restart the commitment round while restarts are left, else fail. */
const onNoncesLost = [
  { guard: 'restartAllowed', target: 'commitments', reenter: true, actions: 'restartCommitRound' },
  { guard: 'acceptable', target: 'failed', actions: 'failNoncesLost' },
] as const;

const sharedGuards = sessionGuards(signRules);

export const signMachine = setup({
  types: {
    context: {} as SignContext,
    events: {} as SignEvent,
    input: {} as SignInput,
    emitted: {} as SignNotification,
  },
  actions: {
    ...sessionActions<
      SignContext,
      SignEvent,
      SignInviteNotification,
      { commitRound: number },
      SignResult
    >({
      invite,
      phaseExtra: (context) => ({ commitRound: context.commitRound }),
      publicResult: (context) => context.result,
    }),
    recordCommitment: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'COMMIT');
      const { hiding, binding } = event.commitments;
      const update = {
        commitments: withEntry(context.commitments, event.participant, { hiding, binding }),
        ...markStatus(context, event.participant, 'committed', DONE.commitments),
      };
      enqueue.assign(update);
      enqueue.emit(submitted({ ...context, ...update }, event.participant));
    }),
    broadcastSigningPackage: enqueueActions(({ context, enqueue }) => {
      const commitments = inIndexOrder(context, context.commitments).map(
        ({ name, index, value }) => ({ name, index, hiding: value.hiding, binding: value.binding }),
      );
      enqueue.emit(
        broadcast('signing_package', {
          sessionId: context.sessionId,
          keyId: context.keyId,
          scheme: context.scheme,
          message: context.message,
          commitRound: context.commitRound,
          commitments,
        }),
      );
    }),
    recordShare: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'SHARE');
      const update = {
        shares: withEntry(context.shares, event.participant, event.share),
        ...markStatus(context, event.participant, 'signed', DONE.shares),
      };
      enqueue.assign(update);
      enqueue.emit(submitted({ ...context, ...update }, event.participant));
    }),
    /** Retire every commitment of this round; `phaseEntry` then restarts the clock. */
    restartCommitRound: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'NONCES_LOST');
      const retired = Object.values(context.commitments).flatMap((c) => [
        c.hiding.toLowerCase(),
        c.binding.toLowerCase(),
      ]);
      const update = {
        commitRound: context.commitRound + 1,
        commitments: {},
        shares: {},
        spentCommitments: [...context.spentCommitments, ...retired],
        status: statusOfAll(context, 'accepted' as const),
      };
      enqueue.assign(update);
      enqueue.emit(
        broadcast('commit_round_restarted', {
          sessionId: context.sessionId,
          participant: event.participant,
          commitRound: update.commitRound,
          restartsLeft: restartsLeft({ ...context, ...update }),
        }),
      );
    }),
    failNoncesLost: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'NONCES_LOST');
      enqueue.assign(
        failedWith(context, event.at, {
          code: 'NONCES_LOST',
          reason:
            `${event.participant} lost its nonces after the commitment round was restarted ` +
            `${context.commitRound - 1} times (limit ${context.maxCommitRestarts})`,
          culprits: [event.participant],
        }),
      );
    }),
    recordSignature: enqueueActions(({ event, enqueue }) => {
      assertEvent(event, 'AGGREGATED');
      enqueue.assign({ result: { signature: event.signature }, ...completedAt(event.at) });
    }),
  },
  guards: {
    ...sharedGuards,
    restartAllowed: (args) => sharedGuards.acceptable(args) && restartsLeft(args.context) > 0,
  },
}).createMachine({
  id: 'sign',
  context: ({ input }) => initialContext(input),
  initial: 'inviting',
  on: sessionWideTransitions,
  states: {
    inviting: invitingState('commitments'),
    commitments: {
      entry: phaseEntry('commitments'),
      on: {
        COMMIT: { guard: 'acceptable', actions: 'recordCommitment' },
        NONCES_LOST: onNoncesLost,
      },
      always: { guard: 'nobodyOwed', target: 'shares', actions: 'broadcastSigningPackage' },
    },
    shares: {
      entry: phaseEntry('shares'),
      on: {
        SHARE: { guard: 'acceptable', actions: 'recordShare' },
        NONCES_LOST: onNoncesLost,
        AGGREGATED: { guard: 'acceptable', target: 'completed', actions: 'recordSignature' },
      },
    },
    ...terminalStates,
  },
});

export type SignMachine = typeof signMachine;
