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
import type { OwnEvent } from '../../session/common.js';
import { complaintEvent } from '../../session/complaint.js';
import type { SessionProtocol } from '../../session/description.js';
import { broadcast } from '../../session/notifications.js';
import { sealedRelays } from '../../session/sealed-relays.js';
import { inIndexOrder, withEntry } from '../../session/participants.js';
import { submission } from '../../session/submission.js';
import { SCHEMES } from '../schemes.js';
import {
  assertKeygenMembers,
  confirmEvent,
  confirmingRound,
  keygenInvite,
  keygenPublicResult,
} from './keygen-parts.js';
import {
  KEYGEN_DONE_STATUS as DONE,
  type KeygenContext,
  type KeygenEvent,
  type KeygenInput,
} from './keygen-types.js';

/** Throws `SessionInputError` unless 2 ≤ t ≤ n, names are unique and indexes are 1..n. */
export function assertKeygenInput(input: KeygenInput): void {
  assertKeygenMembers(input, SCHEMES);
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
  invite: keygenInvite,
  publicResult: keygenPublicResult,
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
      settle: (context) => ({
        next: sealedRelays(context, context.round2, 'round2_shares', 'shares'),
      }),
    },
    confirmingRound(DONE.confirming),
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
    CONFIRM: confirmEvent(DONE.confirming),
    COMPLAIN: complaintEvent({
      phases: ['confirming'],
      doneIn: () => DONE.confirming,
      what: 'its confirmation',
    }),
  },
};
