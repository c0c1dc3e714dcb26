/**
 * DKLs23 keygen as a session protocol (docs/ecdsa.md, Sessions):
 * `inviting → round1 → round2 → confirming → completed`.
 *
 * - round1: each member's broadcast (VSS commitments, proof of knowledge; verified by the server
 *   first) and, sealed to each other member, its multiplication set-up start;
 * - round2: sealed to each other member, its share, zero-seed contribution and set-up answer;
 * - confirming: each member reports the group key and its verifying share (checked by the
 *   server against the round-1 commitments) with its escrow; all must agree.
 *
 * Each relay is one notification per member: the broadcasts and what was sealed to it. A member
 * whose check of another's message fails complains: accuser and accused are named. The invite,
 * the confirming round and complaints are those of every keygen (`frost/sessions/keygen-parts`).
 *
 * @module
 */
import type { OwnEvent } from '../../session/common.js';
import { complaintEvent } from '../../session/complaint.js';
import type { SessionProtocol } from '../../session/description.js';
import {
  assertKeygenMembers,
  confirmEvent,
  confirmingRound,
  keygenInvite,
  keygenPublicResult,
} from '../../frost/sessions/keygen-parts.js';
import { MAX_PARTIES } from '../keygen.js';
import { KeygenDirect1Codec, KeygenDirect2Codec } from '../wire.js';
import { DKLS23_SCHEME } from './messages.js';
import { broadcastsOf, relayRound, sealedSubmission } from './relay.js';
import {
  DKLS_KEYGEN_DONE as DONE,
  DKLS_KEYGEN_KIND,
  type DklsKeygenContext,
  type DklsKeygenEvent,
  type DklsKeygenInput,
  type DklsKeygenRound1Event,
  type DklsKeygenRound2Event,
} from './keygen-types.js';

export const dklsKeygenSession: SessionProtocol<
  DklsKeygenContext,
  OwnEvent<DklsKeygenEvent>,
  DklsKeygenInput
> = {
  kind: DKLS_KEYGEN_KIND,
  schemes: [DKLS23_SCHEME],
  members: (input) => input.participants,
  invite: keygenInvite,
  publicResult: keygenPublicResult,
  start(input) {
    assertKeygenMembers(input, [DKLS23_SCHEME], MAX_PARTIES);
    return {
      kind: DKLS_KEYGEN_KIND,
      scheme: DKLS23_SCHEME,
      label: input.label ?? null,
      broadcasts: {},
      direct: {},
      confirmations: {},
      result: null,
    };
  },
  rounds: [
    {
      phase: 'round1',
      done: DONE.round1,
      delivery: 'broadcast-and-point-to-point',
      encrypted: true,
      settle: (context) =>
        relayRound(context, 'dkls23_keygen_round1', {
          broadcasts: broadcastsOf(context, context.broadcasts),
        }),
    },
    {
      phase: 'round2',
      done: DONE.round2,
      delivery: 'point-to-point',
      encrypted: true,
      settle: (context) => relayRound(context, 'dkls23_keygen_round2', {}),
    },
    confirmingRound(DONE.confirming),
  ],
  events: {
    ROUND1: sealedSubmission<DklsKeygenContext, DklsKeygenRound1Event>({
      phase: 'round1',
      done: DONE.round1,
      round: 'round-1',
      messageBytes: KeygenDirect1Codec.bytes,
      into: 'broadcasts',
    }),
    ROUND2: sealedSubmission<DklsKeygenContext, DklsKeygenRound2Event>({
      phase: 'round2',
      done: DONE.round2,
      round: 'round-2',
      messageBytes: KeygenDirect2Codec.bytes,
    }),
    CONFIRM: confirmEvent(DONE.confirming),
    // The round-1 relay is checked during round2, the round-2 relay during confirming.
    COMPLAIN: complaintEvent({
      phases: ['round2', 'confirming'],
      doneIn: (phase) => DONE[phase],
      what: 'this round',
    }),
  },
};
