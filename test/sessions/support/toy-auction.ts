/**
 * A toy three-round protocol that exists only in the tests: a sealed-bid auction. It shows
 * that a new protocol is a description plus one registration — no new machine, no new server
 * code (docs/sessions.md, "Protocols as data").
 *
 * - `sealing` (broadcast): each bidder sends sha256(bid ‖ salt); all seals go to everyone;
 * - `notes` (point to point, in the clear): each bidder sends a note to every other one;
 * - `opening` (server only): each bidder reveals bid and salt; the server checks them against
 *   the seal (a mismatch fails the session naming the bidder); the highest bid wins.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { AppError } from '../../../protocol/errors.js';
import {
  defineProtocol,
  type AnyContext,
  type SessionChecks,
  type SessionProtocol,
} from '../../../protocol/session/description.js';
import { broadcast, direct } from '../../../protocol/session/notifications.js';
import {
  assertSessionInput,
  inIndexOrder,
  withEntry,
} from '../../../protocol/session/participants.js';
import { runningDeadline } from '../../../protocol/session/phase.js';
import type { Participant, SessionInputBase } from '../../../protocol/session/common.js';
import { submission } from '../../../protocol/session/submission.js';

export const AUCTION_SCHEME = 'sealed-bid-v1';

interface AuctionInput extends SessionInputBase {
  bidders: Participant[];
  item: string;
}

interface AuctionContext extends AnyContext {
  item: string;
  seals: Record<string, string>;
  notes: Record<string, Record<string, string>>;
  bids: Record<string, number>;
  result: { winner: string; bid: number } | null;
}

type AuctionEvent =
  | { type: 'SEAL'; participant: string; seal: string; at: number }
  | { type: 'NOTE'; participant: string; notes: Record<string, string>; at: number }
  | { type: 'OPEN'; participant: string; bid: number; salt: string; at: number };

export function sealOf(bid: number, salt: string): string {
  return bytesToHex(sha256(utf8ToBytes(`${bid}:${salt}`)));
}

const session: SessionProtocol<AuctionContext, AuctionEvent, AuctionInput> = {
  kind: 'auction',
  schemes: [AUCTION_SCHEME],
  members: (input) => input.bidders,
  start(input) {
    assertSessionInput(input, input.bidders, 'auction', [AUCTION_SCHEME]);
    return { item: input.item, seals: {}, notes: {}, bids: {}, result: null };
  },
  invite: (context, bidder) =>
    direct('auction_invite', bidder.name, {
      sessionId: context.sessionId,
      item: context.item,
      bidders: context.participants.map((p) => p.name),
      deadline: runningDeadline(context),
    }),
  publicResult: (context) => context.result,
  rounds: [
    {
      phase: 'sealing',
      done: 'sealed',
      delivery: 'broadcast',
      encrypted: false,
      settle: (context) => ({
        next: [
          broadcast('seals', {
            sessionId: context.sessionId,
            seals: inIndexOrder(context, context.seals).map(({ name, value }) => ({
              name,
              seal: value,
            })),
          }),
        ],
      }),
    },
    {
      phase: 'notes',
      done: 'noted',
      delivery: 'point-to-point',
      encrypted: false,
      settle: (context) => ({
        next: context.participants.map((recipient) =>
          direct('notes', recipient.name, {
            sessionId: context.sessionId,
            notes: inIndexOrder(context, context.notes).flatMap(({ name, value }) =>
              value[recipient.name] === undefined
                ? []
                : [{ from: name, note: value[recipient.name] }],
            ),
          }),
        ),
      }),
    },
    {
      phase: 'opening',
      done: 'opened',
      delivery: 'server',
      encrypted: false,
      settle: (context) => {
        const [winner] = inIndexOrder(context, context.bids).sort((a, b) => b.value - a.value);
        return { complete: { result: { winner: winner!.name, bid: winner!.value } } };
      },
    },
  ],
  events: {
    SEAL: submission({
      phase: 'sealing',
      done: 'sealed',
      what: 'its seal',
      store: (context, event) => ({
        seals: withEntry(context.seals, event.participant, event.seal),
      }),
    }),
    NOTE: submission({
      phase: 'notes',
      done: 'noted',
      what: 'its notes',
      store: (context, event) => ({
        notes: withEntry(context.notes, event.participant, event.notes),
      }),
      pointToPoint: { what: 'note', payloads: (event) => event.notes },
    }),
    OPEN: submission({
      phase: 'opening',
      done: 'opened',
      what: 'its opening',
      store: (context, event) => ({ bids: withEntry(context.bids, event.participant, event.bid) }),
    }),
  },
};

const CreateSchema = z.strictObject({
  sessionId: z.string().min(1).max(100).optional(),
  item: z.string().min(1).max(100),
  bidders: z.array(z.string().min(1)).min(2).max(10),
});
type AuctionCreate = z.output<typeof CreateSchema>;

const SealSchema = z.strictObject({
  kind: z.literal('seal'),
  seal: z.string().regex(/^[0-9a-f]{64}$/),
});
const NoteSchema = z.strictObject({
  kind: z.literal('note'),
  notes: z.record(z.string(), z.string().max(200)),
});
const OpenSchema = z.strictObject({
  kind: z.literal('open'),
  bid: z.number().int().min(0),
  salt: z.string().min(8).max(64),
});

const checks: SessionChecks<AuctionContext, AuctionEvent, AuctionInput, AuctionCreate> = {
  kind: 'auction',
  idPrefix: 'au',
  createSchema: CreateSchema,
  sessionId: (request) => request.sessionId,
  timeouts: () => undefined,
  requestFields: (request) => ({ item: request.item, bidders: request.bidders }),
  prepare(request, directory) {
    if (new Set(request.bidders).size !== request.bidders.length) {
      throw new AppError('BAD_REQUEST', 'bidders must be unique');
    }
    const keys = directory.identityKeys(request.bidders);
    const bidders = request.bidders.map((name, i) => ({
      name,
      index: i + 1,
      identityKey: keys.get(name)!,
    }));
    return {
      input: { scheme: AUCTION_SCHEME, threshold: bidders.length, item: request.item, bidders },
      row: { label: request.item, keyId: null, message: null },
      audit: { item: request.item, bidders: request.bidders },
    };
  },
  submissions: {
    seal: {
      schema: SealSchema,
      event: (participant, s: z.output<typeof SealSchema>, at) => ({
        type: 'SEAL',
        participant,
        seal: s.seal,
        at,
      }),
    },
    note: {
      schema: NoteSchema,
      event: (participant, s: z.output<typeof NoteSchema>, at) => ({
        type: 'NOTE',
        participant,
        notes: s.notes,
        at,
      }),
    },
    open: {
      schema: OpenSchema,
      event: (participant, s: z.output<typeof OpenSchema>, at) => ({
        type: 'OPEN',
        participant,
        bid: s.bid,
        salt: s.salt,
        at,
      }),
    },
  },
  /** An opening must match its seal; one that does not names its bidder. */
  verify(facts, event) {
    if (event.type !== 'OPEN') return event;
    if (sealOf(event.bid, event.salt) === facts.context.seals[event.participant]) return event;
    const reason = `${event.participant} opened a bid that does not match its seal`;
    return {
      type: 'FAIL',
      code: 'BAD_OPENING',
      reason,
      culprits: [event.participant],
      at: event.at,
    };
  },
  complete: (facts) => ({ result: { ...facts.context.result, item: facts.context.item } }),
};

export const auction = defineProtocol(session, checks);
