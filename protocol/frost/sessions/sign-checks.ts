/**
 * The server's half of FROST signing: which key and signers a request names, what each
 * submission must look like, single-use nonce commitments, and the aggregation that turns the
 * shares into the signature — verified under the group key before the session completes.
 * Pure functions of the session's facts (docs/sessions.md).
 *
 * @module
 */
import { assertSignable } from '../../lifecycle/key-status.js';
import type { z } from 'zod';
import { AppError } from '../../errors.js';
import type { FailEvent } from '../../session/common.js';
import { resultOf } from '../../session/result-of.js';
import type {
  AnyNotification,
  Directory,
  KeyRecord,
  SessionChecks,
  SessionFacts,
} from '../../session/description.js';
import {
  CommitmentsSubmissionSchema,
  NoncesLostSubmissionSchema,
  ShareSubmissionSchema,
  SignCreateInputSchema,
} from '../../sessions.js';
import { aggregate, verifySignature } from '../coordinator.js';
import { FrostError } from '../errors.js';
import { suiteSchemas } from '../schemas.js';
import type { Scheme } from '../schemes.js';
import { describeIssues } from '../../validation.js';
import type { SignContext, SignEvent, SignInput } from './sign-types.js';

export type SignCreate = z.output<typeof SignCreateInputSchema>;
type Facts = SessionFacts<SignContext>;

export function keyOf(facts: SessionFacts<unknown>): KeyRecord {
  if (!facts.key) throw new Error(`sign session ${facts.sessionId} has no key loaded`);
  return facts.key;
}

/** The key's members among `names`, with their key indexes (UNKNOWN_PARTICIPANTS otherwise). */
export function signersOf(key: KeyRecord, names: readonly string[]): Map<string, number> {
  const indexes = new Map(key.participants.map((p) => [p.name, p.index]));
  const unknown = names.filter((name) => !indexes.has(name));
  if (unknown.length > 0) {
    throw new AppError(
      'UNKNOWN_PARTICIPANTS',
      `not participants of key ${key.id}: ${unknown.join(', ')}`,
      {
        unknown,
      },
    );
  }
  if (names.length < key.threshold) {
    throw new AppError(
      'BAD_REQUEST',
      `key ${key.id} needs at least ${key.threshold} signers, got ${names.length}`,
    );
  }
  return indexes;
}

/** A commitment or share is of the key's suite (the edge checked only its size). */
function checkOwnSuite(facts: Facts, event: SignEvent): SignEvent {
  const exact = suiteSchemas(facts.context.scheme);
  const [what, schema, value] =
    event.type === 'COMMIT'
      ? ['nonce commitments', exact.nonceCommitments, event.commitments]
      : event.type === 'SHARE'
        ? ['signature share', exact.scalar, event.share]
        : [null, null, null];
  if (!schema) return event;
  const parsed = schema.safeParse(value);
  if (parsed.success) return event;
  const why = describeIssues(parsed.error, { first: true });
  throw new AppError(
    'INVALID_PACKAGE',
    `${what} of ${(event as { participant: string }).participant}: ${why}`,
  );
}

/** Shares are all in: aggregate, verify, and name the culprits only if that fails. */
function aggregateShares(facts: Facts, at: number): SignEvent | FailEvent {
  const { context } = facts;
  const key = keyOf(facts);
  const byIndex = <T>(value: (name: string) => T) =>
    Object.fromEntries(context.participants.map((p) => [p.index, value(p.name)]));
  const nameOf = (index: number) =>
    context.participants.find((p) => p.index === index)?.name ?? `#${index}`;
  try {
    const signature = aggregate(
      context.scheme,
      {
        t: key.threshold,
        n: key.participants.length,
        groupPublicKey: key.groupPublicKey,
        verifyingShares: key.verifyingShares,
      },
      { message: context.message, commitments: byIndex((name) => context.commitments[name]!) },
      byIndex((name) => context.shares[name]!),
    );
    if (!verifySignature(context.scheme, key.groupPublicKey, context.message, signature)) {
      const reason = 'the aggregated signature does not verify under the group key';
      return { type: 'FAIL', code: 'INVALID_SIGNATURE', reason, culprits: [], at };
    }
    return { type: 'AGGREGATED', signature, at };
  } catch (err) {
    if (!(err instanceof FrostError)) throw err;
    const culprits = err.culprits.map(nameOf);
    const badShare = err.code === 'INVALID_SIGNATURE_SHARE';
    const code = badShare ? 'INVALID_SIGNATURE_SHARE' : 'AGGREGATION_FAILED';
    const reason = badShare ? `invalid signature share from ${culprits.join(', ')}` : err.message;
    return { type: 'FAIL', code, reason, culprits, at };
  }
}

/** The key a sign request names, if it may sign now (KEY_DESTROYED, KEY_BUSY otherwise). */
export function signableKey(directory: Directory, keyId: string): KeyRecord {
  const key = directory.key(keyId);
  assertSignable(key, directory.running(key.id));
  return key;
}

/** The signers named by a request: key indexes, identity keys and escrow blobs. */
export function signersFor(key: KeyRecord, names: readonly string[], directory: Directory) {
  const indexes = signersOf(key, names);
  const identityKeys = directory.identityKeys(names);
  const escrows = directory.escrows(key.id);
  return names.map((name) => ({
    name,
    index: indexes.get(name)!,
    identityKey: identityKeys.get(name)!,
    escrow: escrows.get(name) ?? null,
  }));
}

/** What every sign request has besides its own fields: the schema, the id, the deadlines. */
export const signRequest = {
  createSchema: SignCreateInputSchema,
  sessionId: (request: SignCreate) => request.sessionId,
  timeouts: (request: SignCreate) => request.timeouts,
  // The fields of a FROST request as before digests existed, so a retry of a session created
  // then is still the same request; digest and hash only when given.
  requestFields: (request: SignCreate) => ({
    keyId: request.keyId,
    message: request.message ?? null,
    ...(request.digest !== undefined ? { digest: request.digest } : {}),
    ...(request.hash !== undefined ? { hash: request.hash } : {}),
    participants: request.participants,
    timeouts: request.timeouts ?? null,
  }),
};

/** The escrow blob in an invitation is bound to the keygen session id; a signer needs it. */
export const withKeygenSessionId = (facts: SessionFacts<unknown>, notification: AnyNotification) =>
  notification.type === 'sign_invite' ? { keygenSessionId: keyOf(facts).keygenSessionId } : {};

export const frostSignChecks: SessionChecks<SignContext, SignEvent, SignInput, SignCreate> = {
  kind: 'sign',
  idPrefix: 'sg',
  ...signRequest,
  prepare(request, directory) {
    const key = signableKey(directory, request.keyId);
    if (request.digest !== undefined) {
      throw new AppError(
        'BAD_REQUEST',
        `key ${key.id} is a ${key.scheme} key: FROST signs the message itself (RFC 9591 has no ` +
          'pre-hash), so send the bytes to sign as `message`, not a `digest`',
      );
    }
    if (request.hash !== undefined) {
      throw new AppError(
        'BAD_REQUEST',
        `key ${key.id} is a ${key.scheme} key: FROST signs the message itself, so \`hash\` ` +
          '(an ECDSA option) does not apply',
      );
    }
    const message = request.message;
    if (message === undefined) {
      throw new AppError('BAD_REQUEST', `key ${key.id} is a ${key.scheme} key: give the message`);
    }
    const signers = signersFor(key, request.participants, directory);
    return {
      input: {
        scheme: key.scheme as Scheme,
        threshold: key.threshold,
        keyId: key.id,
        message,
        signers,
      },
      row: { label: null, keyId: key.id, message },
      audit: {
        keyId: key.id,
        participants: request.participants,
        messageBytes: message.length / 2,
      },
      key,
    };
  },
  submissions: {
    commitments: {
      schema: CommitmentsSubmissionSchema,
      event: (participant, s: z.output<typeof CommitmentsSubmissionSchema>, at) => ({
        type: 'COMMIT',
        participant,
        commitRound: s.commitRound,
        commitments: { hiding: s.hiding, binding: s.binding },
        at,
      }),
    },
    share: {
      schema: ShareSubmissionSchema,
      event: (participant, s: z.output<typeof ShareSubmissionSchema>, at) => ({
        type: 'SHARE',
        participant,
        commitRound: s.commitRound,
        share: s.share,
        at,
      }),
    },
    nonces_lost: {
      schema: NoncesLostSubmissionSchema,
      event: (participant, s: z.output<typeof NoncesLostSubmissionSchema>, at) => ({
        type: 'NONCES_LOST',
        participant,
        commitRound: s.commitRound,
        at,
      }),
    },
  },
  verify: checkOwnSuite,
  singleUse(event) {
    if (event.type !== 'COMMIT') return null;
    return {
      values: [event.commitments.hiding, event.commitments.binding],
      refusal:
        `${event.participant} sent a nonce commitment the server has seen before; ` +
        'nonces are single use: commit with fresh nonces',
    };
  },
  followUp(facts) {
    if (facts.ended || facts.state !== 'shares' || facts.context.waitingFor.length > 0) return null;
    return aggregateShares(facts, facts.now);
  },
  complete(facts) {
    const { context } = facts;
    const result = resultOf(facts, 'sign');
    const key = keyOf(facts);
    return {
      result: {
        signature: result.signature,
        keyId: key.id,
        groupPublicKey: key.groupPublicKey,
        message: context.message,
      },
    };
  },
  decorate: withKeygenSessionId,
};
