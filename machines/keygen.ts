/**
 * The keygen session machine: a FROST DKG among named participants.
 *
 * `inviting → round1 → round2 → confirming → completed`, or one of the final states
 * `rejected | failed | timed_out | aborted`. The machine only does bookkeeping: the runtime
 * verifies every proof, share and confirmation before sending the event (or sends FAIL naming
 * the culprit), arms a timer at `context.deadline`, and stores the emitted notifications.
 *
 * @module
 */
import { assertEvent, enqueueActions, setup } from 'xstate';
import { SessionInputError, type Participant } from './common.js';
import { completedAt, complaintBy, failedWith } from './lifecycle.js';
import { broadcast, direct, submitted } from './notifications.js';
import { keygenRules } from './keygen-rules.js';
import { groupKeyVerdict, keygenResult } from './keygen-result.js';
import {
  KEYGEN_DONE_STATUS as DONE,
  type KeygenContext,
  type KeygenEvent,
  type KeygenInput,
  type KeygenInviteNotification,
  type KeygenNotification,
  type KeygenPublicResult,
} from './keygen-types.js';
import { assertSessionInput, inIndexOrder, markStatus, withEntry } from './participants.js';
import { runningDeadline } from './phase.js';
import { sessionActions, sessionGuards } from './session-actions.js';
import { initialSessionFields } from './session-context.js';
import {
  invitingState,
  phaseEntry,
  sessionWideTransitions,
  terminalStates,
} from './session-states.js';

/** Throws `SessionInputError` unless 2 ≤ t ≤ n, names are unique and indexes are 1..n. */
export function assertKeygenInput(input: KeygenInput): void {
  assertSessionInput(input, input.participants, 'keygen');
  const n = input.participants.length;
  const where = `keygen ${input.sessionId}`;
  if (input.threshold < 2) throw new SessionInputError(`${where}: threshold must be at least 2`);
  const indexes = input.participants.map((p) => p.index).sort((a, b) => a - b);
  if (indexes.some((index, i) => index !== i + 1)) {
    throw new SessionInputError(`${where}: participant indexes must be 1..${n}`);
  }
}

function initialContext(input: KeygenInput): KeygenContext {
  assertKeygenInput(input);
  return {
    ...initialSessionFields('keygen', input, input.participants),
    label: input.label ?? null,
    round1: {},
    round2: {},
    confirmations: {},
    result: null,
  };
}

function invite(context: KeygenContext, participant: Participant): KeygenInviteNotification {
  return direct('keygen_invite', participant.name, {
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
}

function publicResult(context: KeygenContext): KeygenPublicResult | null {
  if (context.result === null) return null;
  const { groupPublicKey, verifyingShares } = context.result;
  return { groupPublicKey, verifyingShares };
}

export const keygenMachine = setup({
  types: {
    context: {} as KeygenContext,
    events: {} as KeygenEvent,
    input: {} as KeygenInput,
    emitted: {} as KeygenNotification,
  },
  actions: {
    ...sessionActions<KeygenContext, KeygenEvent, KeygenInviteNotification, {}, KeygenPublicResult>(
      { invite, phaseExtra: () => ({}), publicResult },
    ),
    recordRound1: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'ROUND1');
      const update = {
        round1: withEntry(context.round1, event.participant, event.package),
        ...markStatus(context, event.participant, 'round1', DONE.round1),
      };
      enqueue.assign(update);
      enqueue.emit(submitted({ ...context, ...update }, event.participant));
    }),
    broadcastRound1: enqueueActions(({ context, enqueue }) => {
      const packages = inIndexOrder(context, context.round1).map(({ name, index, value }) => ({
        name,
        index,
        package: value,
      }));
      enqueue.emit(broadcast('round1_packages', { sessionId: context.sessionId, packages }));
    }),
    recordRound2: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'ROUND2');
      const update = {
        round2: withEntry(context.round2, event.participant, event.shares),
        ...markStatus(context, event.participant, 'round2', DONE.round2),
      };
      enqueue.assign(update);
      enqueue.emit(submitted({ ...context, ...update }, event.participant));
    }),
    /** Each recipient gets only the ciphertexts addressed to it. */
    relayRound2: enqueueActions(({ context, enqueue }) => {
      const senders = inIndexOrder(context, context.round2);
      for (const recipient of context.participants) {
        const shares = senders.flatMap(({ name, index, value }) => {
          const ciphertext = value[recipient.name];
          return ciphertext === undefined ? [] : [{ from: name, fromIndex: index, ciphertext }];
        });
        enqueue.emit(
          direct('round2_shares', recipient.name, { sessionId: context.sessionId, shares }),
        );
      }
    }),
    recordConfirmation: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'CONFIRM');
      const { participant, groupPublicKey, verifyingShare, escrow } = event;
      const update = {
        confirmations: withEntry(context.confirmations, participant, {
          groupPublicKey,
          verifyingShare,
          escrow,
        }),
        ...markStatus(context, participant, 'confirmed', DONE.confirming),
      };
      enqueue.assign(update);
      enqueue.emit(submitted({ ...context, ...update }, participant));
    }),
    recordComplaint: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'COMPLAIN');
      enqueue.assign(complaintBy(context, event));
    }),
    recordResult: enqueueActions(({ context, event, enqueue }) => {
      const verdict = groupKeyVerdict(context);
      if (!verdict.agreed) throw new Error('recordResult needs agreeing confirmations');
      enqueue.assign({
        result: keygenResult(context, verdict.groupPublicKey),
        ...completedAt(event.at),
      });
    }),
    recordKeyMismatch: enqueueActions(({ context, event, enqueue }) => {
      const verdict = groupKeyVerdict(context);
      const culprits = verdict.agreed ? [] : verdict.culprits;
      enqueue.assign(
        failedWith(context, event.at, {
          code: 'GROUP_KEY_MISMATCH',
          reason: 'participants reported different group public keys',
          culprits,
        }),
      );
    }),
  },
  guards: {
    ...sessionGuards(keygenRules),
    keysAgreed: ({ context }) => context.waitingFor.length === 0 && groupKeyVerdict(context).agreed,
  },
}).createMachine({
  id: 'keygen',
  context: ({ input }) => initialContext(input),
  initial: 'inviting',
  on: sessionWideTransitions,
  states: {
    inviting: invitingState('round1'),
    round1: {
      entry: phaseEntry('round1'),
      on: { ROUND1: { guard: 'acceptable', actions: 'recordRound1' } },
      always: { guard: 'nobodyOwed', target: 'round2', actions: 'broadcastRound1' },
    },
    round2: {
      entry: phaseEntry('round2'),
      on: { ROUND2: { guard: 'acceptable', actions: 'recordRound2' } },
      always: { guard: 'nobodyOwed', target: 'confirming', actions: 'relayRound2' },
    },
    confirming: {
      entry: phaseEntry('confirming'),
      on: {
        CONFIRM: { guard: 'acceptable', actions: 'recordConfirmation' },
        COMPLAIN: { guard: 'acceptable', target: 'failed', actions: 'recordComplaint' },
      },
      always: [
        { guard: 'keysAgreed', target: 'completed', actions: 'recordResult' },
        { guard: 'nobodyOwed', target: 'failed', actions: 'recordKeyMismatch' },
      ],
    },
    ...terminalStates,
  },
});

export type KeygenMachine = typeof keygenMachine;
