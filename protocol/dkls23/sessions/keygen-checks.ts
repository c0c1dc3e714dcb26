/**
 * The server's half of DKLs23 keygen: the submissions, the proof of knowledge of each round-1
 * broadcast, the confirmations against the round-1 commitments, and the key a completed keygen
 * creates, with its Ethereum and Bitcoin (P2WPKH) addresses (docs/ecdsa.md, Sessions).
 *
 * @module
 */
import type { z } from 'zod';
import { NetworkSchema, ethereumAddress, p2wpkhAddress } from '../../address.js';
import { bytesToHex, hexToBytes } from '../../encoding.js';
import { AppError } from '../../errors.js';
import { frostKeygenChecks, prepareKeygen } from '../../frost/sessions/keygen-checks.js';
import {
  checkedConfirmation,
  complaintSubmission,
  memberIndex,
} from '../../frost/sessions/keygen-parts.js';
import type { FailEvent } from '../../session/common.js';
import type { ConfirmEvent } from '../../frost/sessions/keygen-types.js';
import { resultOf } from '../../session/result-of.js';
import { fieldsAsEvent } from '../../session/submission.js';
import type { SessionChecks, SessionFacts } from '../../session/description.js';
import { KeygenCreateInputSchema } from '../../sessions.js';
import { describeIssues } from '../../validation.js';
import { DklsError } from '../errors.js';
import {
  checkKeygenBroadcast,
  keyFromBroadcasts,
  type KeygenBroadcast1,
  type KeygenPublicParams,
} from '../keygen.js';
import { KeygenBroadcast1Schema, toWire } from '../wire.js';
import {
  DKLS_KEYGEN_KIND,
  type DklsKeygenContext,
  type DklsKeygenEvent,
  type DklsKeygenInput,
  type DklsKeygenRound1Event,
  type DklsKeygenRound2Event,
} from './keygen-types.js';
import {
  DKLS23_SCHEME,
  KeygenConfirmSubmissionSchema,
  KeygenRound1SubmissionSchema,
  KeygenRound2SubmissionSchema,
  keygenSid,
} from './messages.js';

type KeygenCreate = z.output<typeof KeygenCreateInputSchema>;
type Facts = SessionFacts<DklsKeygenContext>;

const keygenParamsOf = (context: DklsKeygenContext): KeygenPublicParams => ({
  sid: keygenSid(context.sessionId, context.threshold, context.participants),
  threshold: context.threshold,
  parties: context.participants.length,
});

/** A wire broadcast parsed into bytes, or INVALID_PACKAGE naming what is wrong. */
function parseBroadcast(name: string, value: unknown): KeygenBroadcast1 {
  const parsed = KeygenBroadcast1Schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const why = describeIssues(parsed.error, { first: true });
  throw new AppError('INVALID_PACKAGE', `round-1 broadcast of ${name}: ${why}`);
}

/** Group key and verifying shares (hex, by index) the round-1 broadcasts imply (computed once). */
function expectedFor(facts: Facts): { groupPublicKey: string; verifyingShares: string[] } {
  const cached = facts.cache.get('expected') as ReturnType<typeof expectedFor> | undefined;
  if (cached) return cached;
  const { context } = facts;
  const broadcasts = new Map(
    context.participants.map((p) => [p.index, parseBroadcast(p.name, context.broadcasts[p.name])]),
  );
  const key = keyFromBroadcasts(keygenParamsOf(context), broadcasts);
  const expected = {
    groupPublicKey: bytesToHex(key.groupKey.toBytes()),
    verifyingShares: key.verifyingShares.map((P) => bytesToHex(P.toBytes())),
  };
  facts.cache.set('expected', expected);
  return expected;
}

function checkRound1(
  facts: Facts,
  event: DklsKeygenRound1Event,
): DklsKeygenRound1Event | FailEvent {
  const { context } = facts;
  const name = event.participant;
  const broadcast = parseBroadcast(name, event.broadcast);
  try {
    checkKeygenBroadcast(keygenParamsOf(context), memberIndex(context, name), broadcast);
  } catch (err) {
    if (!(err instanceof DklsError)) throw err;
    if (err.code !== 'PROOF_INVALID') {
      throw new AppError('INVALID_PACKAGE', `round-1 broadcast of ${name}: ${err.message}`);
    }
    const reason = `${name} sent an invalid proof of knowledge`;
    return { type: 'FAIL', code: 'INVALID_PROOF', reason, culprits: [name], at: event.at };
  }
  const wire = toWire({ commitments: broadcast.commitments, proof: broadcast.proof });
  return { ...event, broadcast: wire };
}

function checkConfirmation(facts: Facts, event: ConfirmEvent): ConfirmEvent | FailEvent {
  const expected = expectedFor(facts);
  return checkedConfirmation(event, {
    groupPublicKey: expected.groupPublicKey,
    verifyingShare: expected.verifyingShares[memberIndex(facts.context, event.participant) - 1],
  });
}

export const dklsKeygenChecks: SessionChecks<
  DklsKeygenContext,
  DklsKeygenEvent,
  DklsKeygenInput,
  KeygenCreate
> = {
  kind: DKLS_KEYGEN_KIND,
  idPrefix: 'kg',
  createSchema: KeygenCreateInputSchema,
  sessionId: (request) => request.sessionId,
  timeouts: (request) => request.timeouts,
  requestFields: frostKeygenChecks.requestFields,
  prepare(request, directory) {
    if (request.scheme !== DKLS23_SCHEME) {
      throw new AppError('BAD_REQUEST', `${request.scheme} is not ${DKLS23_SCHEME}`);
    }
    return prepareKeygen(request, directory, DKLS23_SCHEME);
  },
  submissions: {
    dkls23_keygen_round1: fieldsAsEvent<DklsKeygenRound1Event>(
      KeygenRound1SubmissionSchema,
      'ROUND1',
    ),
    dkls23_keygen_round2: fieldsAsEvent<DklsKeygenRound2Event>(
      KeygenRound2SubmissionSchema,
      'ROUND2',
    ),
    complaint: complaintSubmission,
    dkls23_confirm: fieldsAsEvent<ConfirmEvent>(KeygenConfirmSubmissionSchema, 'CONFIRM'),
  },
  verify(facts, event) {
    switch (event.type) {
      case 'ROUND1':
        return checkRound1(facts, event);
      case 'CONFIRM':
        return checkConfirmation(facts, event);
      default:
        return event;
    }
  },
  complete(facts) {
    const { context } = facts;
    const result = resultOf(facts, 'keygen');
    const expected = expectedFor(facts);
    const groupKey = hexToBytes(expected.groupPublicKey);
    const address = p2wpkhAddress(groupKey, NetworkSchema.parse(facts.network));
    const ethereum = ethereumAddress(groupKey);
    return {
      result: {
        keyId: facts.newKeyId,
        groupPublicKey: expected.groupPublicKey,
        address,
        ethereumAddress: ethereum,
      },
      key: {
        scheme: DKLS23_SCHEME,
        groupPublicKey: expected.groupPublicKey,
        threshold: context.threshold,
        participants: context.participants.map(({ name, index }) => ({ name, index })),
        verifyingShares: Object.fromEntries(
          expected.verifyingShares.map((share, k) => [String(k + 1), share]),
        ),
        address,
        ethereumAddress: ethereum,
        escrows: result.escrows,
      },
    };
  },
};
