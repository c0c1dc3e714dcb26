/**
 * The server's half of DKLs23 signing: the request (a digest, or a message and its hash), the
 * submissions, the opening of each round-2 nonce as it arrives, and the combine once every
 * round-3 value is in — verified under the group key before anyone hears of it (docs/ecdsa.md).
 *
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { SECP256K1_ORDER } from '../../group/secp256k1-group.js';
import type { z } from 'zod';
import { bytesToHex, hexToBytes } from '../../encoding.js';
import { AppError } from '../../errors.js';
import {
  keyOf,
  signableKey,
  signersFor,
  signRequest,
  withKeygenSessionId,
} from '../../frost/sessions/sign-checks.js';
import { resultOf } from '../../session/result-of.js';
import { fieldsAsEvent } from '../../session/submission.js';
import type { FailEvent, JsonObject } from '../../session/common.js';
import type { KeyRecord, SessionChecks, SessionFacts } from '../../session/description.js';
import type { SignCreateInputSchema } from '../../sessions.js';
import { complaintSubmission } from '../../frost/sessions/keygen-parts.js';
import { describeIssues } from '../../validation.js';
import { DklsError } from '../errors.js';
import { checkRevealedNonce, combineSignature, type SignParams } from '../signing.js';
import type { DklsKeyShare } from '../keygen.js';
import { dklsSuite } from '../suite.js';
import {
  SignBroadcast1Schema,
  SignBroadcast2Schema,
  SignBroadcast3Schema,
  toWire,
} from '../wire.js';
import { digestOf } from './digest.js';
import {
  DKLS23_SCHEME,
  SecretsLostSubmissionSchema,
  SignRound1SubmissionSchema,
  SignRound2SubmissionSchema,
  SignRound3SubmissionSchema,
  keygenSid,
  signingCallerSid,
} from './messages.js';
import {
  DKLS_SIGN_KIND,
  type DklsSignContext,
  type DklsSignEvent,
  type DklsSignInput,
  type DklsSignature,
  type DklsSignRound1Event,
  type DklsSignRound2Event,
  type DklsSignRound3Event,
  type SecretsLostEvent,
} from './sign-types.js';

type SignCreate = z.output<typeof SignCreateInputSchema>;
type Facts = SessionFacts<DklsSignContext>;
type Schema =
  typeof SignBroadcast1Schema | typeof SignBroadcast2Schema | typeof SignBroadcast3Schema;

type PublicShare = Pick<DklsKeyShare, 'sid' | 'threshold' | 'parties' | 'groupKey'>;

/** The key as the checks need it, derived once per session: its keygen sid from its row. */
function publicShareOf(facts: Facts): PublicShare {
  const cached = facts.cache.get('publicShare') as PublicShare | undefined;
  if (cached) return cached;
  const key = keyOf(facts);
  const share = {
    sid: keygenSid(key.keygenSessionId, key.threshold, key.participants),
    threshold: key.threshold,
    parties: key.participants.length,
    groupKey: dklsSuite.elementFromBytes(hexToBytes(key.groupPublicKey)),
  };
  facts.cache.set('publicShare', share);
  return share;
}

function paramsOf(context: DklsSignContext): SignParams {
  return {
    sid: signingCallerSid(context.sessionId, context.attempt),
    signers: context.participants.map((p) => p.index),
    digest: hexToBytes(context.digest),
  };
}

function parse<S extends Schema>(
  schema: S,
  what: string,
  name: string,
  value: unknown,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as z.output<S>;
  const why = describeIssues(parsed.error, { first: true });
  throw new AppError('INVALID_PACKAGE', `${what} of ${name}: ${why}`);
}

const indexOf = (context: DklsSignContext, name: string) =>
  context.participants.find((p) => p.name === name)!.index;
const nameOf = (context: DklsSignContext, index: number) =>
  context.participants.find((p) => p.index === index)?.name ?? String(index);

/** A failed check of the protocol as the session's verdict, its culprits by name. */
function failure(context: DklsSignContext, err: DklsError, at: number): FailEvent {
  const culprits = err.culprits.map((j) => nameOf(context, j));
  return { type: 'FAIL', code: err.code, reason: err.message, culprits, at };
}

function checkRound2(facts: Facts, event: Extract<DklsSignEvent, { type: 'ROUND2' }>) {
  const { context } = facts;
  const name = event.participant;
  const round2 = parse(SignBroadcast2Schema, 'round-2 broadcast', name, event.broadcast);
  const round1 = parse(SignBroadcast1Schema, 'round-1 broadcast', name, context.round1[name]);
  try {
    checkRevealedNonce(
      publicShareOf(facts),
      paramsOf(context),
      indexOf(context, name),
      round1,
      round2,
    );
  } catch (err) {
    if (!(err instanceof DklsError)) throw err;
    if (err.code === 'COMMITMENT_MISMATCH') return failure(context, err, event.at);
    throw new AppError('INVALID_PACKAGE', `round-2 broadcast of ${name}: ${err.message}`);
  }
  return { ...event, broadcast: toWire(round2) };
}

/** Σ w / Σ u, verified: the result, or the verdict (which names nobody when it cannot). */
function combine(facts: Facts): DklsSignEvent | FailEvent {
  const { context } = facts;
  const at = facts.now;
  const byIndex = <S extends Schema>(schema: S, round: Record<string, JsonObject>, what: string) =>
    new Map(context.participants.map((p) => [p.index, parse(schema, what, p.name, round[p.name])]));
  try {
    const signature = combineSignature(publicShareOf(facts), paramsOf(context), {
      round1: byIndex(SignBroadcast1Schema, context.round1, 'round-1 broadcast'),
      round2: byIndex(SignBroadcast2Schema, context.round2, 'round-2 broadcast'),
      round3: byIndex(SignBroadcast3Schema, context.round3, 'round-3 values'),
    });
    const der = secp256k1.Signature.fromBytes(signature.compact, 'compact').toBytes('der');
    const hex = (n: bigint) => n.toString(16).padStart(64, '0');
    const result: DklsSignature = {
      signature: bytesToHex(signature.compact),
      r: hex(signature.r),
      s: hex(signature.s),
      recoveryId: signature.recovery,
      der: bytesToHex(der),
      ethereum: bytesToHex(signature.ethereum),
    };
    return { type: 'AGGREGATED', result, at };
  } catch (err) {
    if (err instanceof DklsError) return failure(context, err, at);
    if (err instanceof AppError) {
      return { type: 'FAIL', code: 'SIGNATURE_INVALID', reason: err.message, culprits: [], at };
    }
    throw err;
  }
}

function digestFor(key: KeyRecord, request: SignCreate): string {
  if (request.digest !== undefined) return request.digest;
  if (request.message === undefined || request.hash === undefined) {
    throw new AppError(
      'BAD_REQUEST',
      `key ${key.id} is a ${key.scheme} key: ECDSA signs a 32-byte digest, so give \`digest\`, ` +
        'or `message` with `hash` (sha256, keccak256 or eip191)',
    );
  }
  return bytesToHex(digestOf(request.hash, hexToBytes(request.message)));
}

export const dklsSignChecks: SessionChecks<
  DklsSignContext,
  DklsSignEvent,
  DklsSignInput,
  SignCreate
> = {
  kind: DKLS_SIGN_KIND,
  idPrefix: 'sg',
  ...signRequest,
  prepare(request, directory) {
    const key = signableKey(directory, request.keyId);
    if (key.scheme !== DKLS23_SCHEME) {
      throw new AppError(
        'BAD_REQUEST',
        `key ${key.id} is a ${key.scheme} key, not ${DKLS23_SCHEME}`,
      );
    }
    const digest = digestFor(key, request);
    const signers = signersFor(key, request.participants, directory);
    const bans = directory.bans(key.id);
    const barred = request.participants.filter((name) => bans.has(name));
    if (barred.length > 0) {
      const why = barred.map((name) => `${name} (named by ${bans.get(name)!.sessionId})`);
      throw new AppError(
        'PARTICIPANT_BANNED',
        `key ${key.id} refuses ${why.join(', ')} until a coordinator clears them (key.clearBan)`,
        { banned: barred },
      );
    }
    if (request.participants.length !== key.threshold) {
      throw new AppError(
        'BAD_REQUEST',
        `key ${key.id} signs with exactly ${key.threshold} of its holders (DKLs23), got ` +
          `${request.participants.length}`,
      );
    }
    const hashed =
      request.message !== undefined && request.hash !== undefined
        ? { hash: request.hash, message: request.message }
        : null;
    return {
      input: {
        scheme: DKLS23_SCHEME,
        threshold: key.threshold,
        keyId: key.id,
        digest,
        hashed,
        signers,
      },
      row: { label: null, keyId: key.id, message: digest },
      audit: {
        keyId: key.id,
        participants: request.participants,
        digest,
        ...(hashed ? { hash: hashed.hash, messageBytes: hashed.message.length / 2 } : {}),
      },
      key,
    };
  },
  submissions: {
    dkls23_sign_round1: fieldsAsEvent<DklsSignRound1Event>(SignRound1SubmissionSchema, 'ROUND1'),
    dkls23_sign_round2: fieldsAsEvent<DklsSignRound2Event>(SignRound2SubmissionSchema, 'ROUND2'),
    dkls23_sign_round3: fieldsAsEvent<DklsSignRound3Event>(SignRound3SubmissionSchema, 'ROUND3'),
    dkls23_secrets_lost: fieldsAsEvent<SecretsLostEvent>(
      SecretsLostSubmissionSchema,
      'SECRETS_LOST',
    ),
    complaint: complaintSubmission,
  },
  verify(facts, event) {
    const name = 'participant' in event ? event.participant : '';
    switch (event.type) {
      case 'ROUND1': {
        const wire = parse(SignBroadcast1Schema, 'round-1 broadcast', name, event.broadcast);
        return { ...event, broadcast: toWire(wire) };
      }
      case 'ROUND2':
        return checkRound2(facts, event);
      case 'ROUND3': {
        const wire = parse(SignBroadcast3Schema, 'round-3 values', name, event.broadcast);
        const big = (['u', 'w'] as const).filter(
          (k) => bytesToNumberBE(wire[k]) >= SECP256K1_ORDER,
        );
        if (big.length > 0) {
          throw new AppError('INVALID_PACKAGE', `round-3 values of ${name}: ${big.join(', ')} ≥ n`);
        }
        return { ...event, broadcast: toWire(wire) };
      }
      default:
        return event;
    }
  },
  // A nonce commitment or an R accepted once is never accepted again, in any session: a
  // second round 1 or 2 of the same secrets is refused before anyone computes on it.
  singleUse(event) {
    if (event.type !== 'ROUND1' && event.type !== 'ROUND2') return null;
    const field = event.type === 'ROUND1' ? 'commitment' : 'R';
    const value = event.broadcast[field];
    if (typeof value !== 'string') return null;
    return {
      values: [value],
      refusal:
        `${event.participant} sent a nonce ${field} the server has seen before; signing ` +
        'secrets are single use: a new attempt has new ones',
    };
  },
  followUp(facts) {
    if (facts.ended || facts.state !== 'round3' || facts.context.waitingFor.length > 0) return null;
    return combine(facts);
  },
  complete(facts) {
    const { context } = facts;
    const result = resultOf(facts, 'sign');
    const key = keyOf(facts);
    return {
      result: {
        ...result,
        digest: context.digest,
        ...(context.hashed ? { hash: context.hashed.hash, message: context.hashed.message } : {}),
        keyId: key.id,
        groupPublicKey: key.groupPublicKey,
      },
    };
  },
  decorate: withKeygenSessionId,
  // Everyone a failure names, except for lost secrets (a crash, not a cheat): docs/ecdsa.md, Bans.
  bansOnFailure(facts) {
    const error = facts.context.error;
    if (!error || error.code === 'SECRETS_LOST') return null;
    return { keyId: facts.context.keyId, names: error.culprits };
  },
};
