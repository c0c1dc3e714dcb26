/**
 * FROST keygen (the RFC 9591 DKG among named participants) as a session protocol:
 * `inviting → round1 → round2 → confirming → completed`.
 *
 * - round1: each member's commitments and proof of knowledge, broadcast to all once everyone
 *   sent (the server has verified each proof before the machine sees it);
 * - round2: one end-to-end encrypted share for every other member, relayed point to point;
 * - confirming: each member reports the group key and its verifying share (checked by the
 *   server against the round-1 commitments) with its escrow; all must agree. A member that
 *   finds a bad share complains instead: accuser and accused are both named.
 *
 * @module
 */
import { SessionInputError, type OwnEvent, type Participant } from '../../session/common.js';
import type { SessionProtocol } from '../../session/description.js';
import { complaintBy } from '../../session/lifecycle.js';
import { broadcast, direct } from '../../session/notifications.js';
import { assertSessionInput, inIndexOrder, withEntry } from '../../session/participants.js';
import { runningDeadline } from '../../session/phase.js';
import { alreadySubmitted, notAMember, reject } from '../../session/rejection.js';
import { submission } from '../../session/submission.js';
import { SCHEMES } from '../schemes.js';
import { groupKeyVerdict, keygenResult } from './keygen-result.js';
import {
  KEYGEN_DONE_STATUS as DONE,
  type KeygenContext,
  type KeygenEvent,
  type KeygenInput,
  type KeygenPublicResult,
} from './keygen-types.js';

/** Throws `SessionInputError` unless 2 ≤ t ≤ n, names are unique and indexes are 1..n. */
export function assertKeygenInput(input: KeygenInput): void {
  assertSessionInput(input, input.participants, 'keygen', SCHEMES);
  const n = input.participants.length;
  const where = `keygen ${input.sessionId}`;
  if (input.threshold < 2) throw new SessionInputError(`${where}: threshold must be at least 2`);
  const indexes = input.participants.map((p) => p.index).sort((a, b) => a - b);
  if (indexes.some((index, i) => index !== i + 1)) {
    throw new SessionInputError(`${where}: participant indexes must be 1..${n}`);
  }
}

export const frostKeygenSession: SessionProtocol<
  KeygenContext,
  OwnEvent<KeygenEvent>,
  KeygenInput
> = {
  kind: 'keygen',
  schemes: SCHEMES,
  members: (input) => input.participants,
  start(input) {
    assertKeygenInput(input);
    return {
      kind: 'keygen',
      label: input.label ?? null,
      round1: {},
      round2: {},
      confirmations: {},
      result: null,
    };
  },
  invite: (context, participant: Participant) =>
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
    }),
  publicResult(context): KeygenPublicResult | null {
    if (context.result === null) return null;
    const { groupPublicKey, verifyingShares } = context.result;
    return { groupPublicKey, verifyingShares };
  },
  rounds: [
    {
      phase: 'round1',
      done: DONE.round1,
      delivery: 'broadcast',
      encrypted: false,
      settle: (context) => {
        const packages = inIndexOrder(context, context.round1).map(({ name, index, value }) => ({
          name,
          index,
          package: value,
        }));
        return {
          next: [broadcast('round1_packages', { sessionId: context.sessionId, packages })],
        };
      },
    },
    {
      phase: 'round2',
      done: DONE.round2,
      delivery: 'point-to-point',
      encrypted: true,
      /** Each recipient gets only the ciphertexts addressed to it. */
      settle: (context) => {
        const senders = inIndexOrder(context, context.round2);
        const relays = context.participants.map((recipient) => {
          const shares = senders.flatMap(({ name, index, value }) => {
            const ciphertext = value[recipient.name];
            return ciphertext === undefined ? [] : [{ from: name, fromIndex: index, ciphertext }];
          });
          return direct('round2_shares', recipient.name, {
            sessionId: context.sessionId,
            shares,
          });
        });
        return { next: relays };
      },
    },
    {
      phase: 'confirming',
      done: DONE.confirming,
      delivery: 'server',
      encrypted: false,
      settle: (context) => {
        const verdict = groupKeyVerdict(context);
        if (verdict.agreed)
          return { complete: { result: keygenResult(context, verdict.groupPublicKey) } };
        return {
          fail: {
            code: 'GROUP_KEY_MISMATCH',
            reason: 'participants reported different group public keys',
            culprits: verdict.culprits,
          },
        };
      },
    },
  ],
  events: {
    ROUND1: submission({
      phase: 'round1',
      done: DONE.round1,
      what: 'its round-1 package',
      store: (context, event) => ({
        round1: withEntry(context.round1, event.participant, event.package),
      }),
    }),
    ROUND2: submission({
      phase: 'round2',
      done: DONE.round2,
      what: 'its round-2 shares',
      store: (context, event) => ({
        round2: withEntry(context.round2, event.participant, event.shares),
      }),
      pointToPoint: { payloads: (event) => event.shares, what: 'round-2 share' },
    }),
    CONFIRM: submission({
      phase: 'confirming',
      done: DONE.confirming,
      what: 'its confirmation',
      store: (context, { participant, groupPublicKey, verifyingShare, escrow }) => ({
        confirmations: withEntry(context.confirmations, participant, {
          groupPublicKey,
          verifyingShare,
          escrow,
        }),
      }),
    }),
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
          [DONE.confirming],
          'its confirmation, so it cannot complain',
        );
      },
      apply: (_context, event) => ({ then: { fail: complaintBy(event) } }),
    },
  },
};
