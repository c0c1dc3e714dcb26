/**
 * The server's half of FROST keygen: who may be invited, what each submission must look like,
 * the DKG checks (proofs of knowledge, confirmations against the round-1 commitments) and the
 * key a completed keygen creates. Pure functions of the session's facts (docs/sessions.md).
 *
 * @module
 */
import type { z } from 'zod';
import { EscrowBlobSchema } from '../../e2e.js';
import { AppError } from '../../errors.js';
import { resultOf } from '../../session/result-of.js';
import type { FailEvent } from '../../session/common.js';
import type { Directory, SessionChecks, SessionFacts } from '../../session/description.js';
import {
  ConfirmSubmissionSchema,
  KeygenCreateInputSchema,
  Round1SubmissionSchema,
  Round2SubmissionSchema,
} from '../../sessions.js';
import { round1TranscriptHash } from '../../transcript.js';
import { describeIssues } from '../../validation.js';
import { hexToBytes } from '../../encoding.js';
import { expectedConfirmation, verifyRound1, type ExpectedConfirmation } from '../coordinator.js';
import { round1PackageSchema, suiteSchemas } from '../schemas.js';
import { schemeInfo } from '../schemes.js';
import {
  checkedConfirmation,
  complaintSubmission,
  confirmSubmission,
  memberIndex,
} from './keygen-parts.js';
import { isFrostScheme } from '../../threshold-schemes.js';
import type {
  ConfirmEvent,
  KeygenContext,
  KeygenEvent,
  KeygenInput,
  Round1Event,
} from './keygen-types.js';

export type KeygenCreate = z.output<typeof KeygenCreateInputSchema>;
type Facts = SessionFacts<KeygenContext>;

/** Group key and verifying shares implied by the round-1 commitments (computed once). */
function expectedFor(facts: Facts): ExpectedConfirmation {
  const cached = facts.cache.get('expected') as ExpectedConfirmation | undefined;
  if (cached) return cached;
  const { context } = facts;
  const packages = Object.fromEntries(
    context.participants.map((p) => [p.index, context.round1[p.name]]),
  );
  const expected = expectedConfirmation(
    context.scheme,
    context.threshold,
    context.participants.length,
    packages,
  );
  facts.cache.set('expected', expected);
  return expected;
}

function checkRound1(facts: Facts, event: Round1Event): Round1Event | FailEvent {
  const { context } = facts;
  const name = event.participant;
  const shape = round1PackageSchema(context.scheme, context.threshold).safeParse(event.package);
  if (!shape.success) {
    const why = describeIssues(shape.error, { first: true });
    throw new AppError('INVALID_PACKAGE', `round-1 package of ${name}: ${why}`);
  }
  const verified = verifyRound1(
    context.scheme,
    memberIndex(context, name),
    context.threshold,
    shape.data,
  );
  if (!verified.ok) {
    const reason = `${name} sent an invalid DKG proof of knowledge`;
    return { type: 'FAIL', code: 'INVALID_PROOF', reason, culprits: [name], at: event.at };
  }
  return { ...event, package: verified.package };
}

function checkConfirmation(facts: Facts, event: ConfirmEvent): ConfirmEvent | FailEvent {
  const { participant: name, groupPublicKey, verifyingShare, escrow } = event;
  const blob = EscrowBlobSchema.safeParse(escrow);
  if (!blob.success) {
    const why = describeIssues(blob.error, { first: true });
    throw new AppError('INVALID_PACKAGE', `escrow blob of ${name}: ${why}`);
  }
  const reported = suiteSchemas(facts.context.scheme).confirmation.safeParse({
    groupPublicKey,
    verifyingShare,
  });
  if (!reported.success) {
    const why = describeIssues(reported.error, { first: true });
    throw new AppError('INVALID_PACKAGE', `confirmation of ${name}: ${why}`);
  }
  const expected = expectedFor(facts);
  return checkedConfirmation(event, {
    groupPublicKey: expected.groupPublicKey,
    verifyingShare: expected.verifyingShares[memberIndex(facts.context, name)],
  });
}

/**
 * A keygen request of any threshold scheme as a session: the members in request order with
 * indexes 1..n and their identity keys (UNKNOWN_PARTICIPANTS otherwise), t ≤ n.
 */
export function prepareKeygen<TScheme extends string>(
  request: KeygenCreate,
  directory: Directory,
  scheme: TScheme,
) {
  const n = request.participants.length;
  if (request.threshold > n) {
    throw new AppError(
      'BAD_REQUEST',
      `threshold ${request.threshold} exceeds the ${n} participants`,
    );
  }
  const identityKeys = directory.identityKeys(request.participants);
  const participants = request.participants.map((name, i) => ({
    name,
    index: i + 1,
    identityKey: identityKeys.get(name)!,
  }));
  const label = request.label ?? null;
  return {
    input: { scheme, threshold: request.threshold, label, participants },
    row: { label, keyId: null, message: null },
    audit: { threshold: request.threshold, participants: request.participants, scheme },
  };
}

export const frostKeygenChecks: SessionChecks<
  KeygenContext,
  KeygenEvent,
  KeygenInput,
  KeygenCreate
> = {
  kind: 'keygen',
  idPrefix: 'kg',
  createSchema: KeygenCreateInputSchema,
  sessionId: (request) => request.sessionId,
  timeouts: (request) => request.timeouts,
  requestFields: (request) => ({
    threshold: request.threshold,
    participants: request.participants,
    scheme: request.scheme,
    label: request.label ?? null,
    timeouts: request.timeouts ?? null,
  }),
  prepare(request, directory) {
    const { scheme } = request;
    if (!isFrostScheme(scheme)) {
      throw new AppError('BAD_REQUEST', `${scheme} is not a FROST scheme`);
    }
    return prepareKeygen(request, directory, scheme);
  },
  submissions: {
    round1: {
      schema: Round1SubmissionSchema,
      event: (participant, s: z.output<typeof Round1SubmissionSchema>, at) => ({
        type: 'ROUND1',
        participant,
        package: s.package,
        at,
      }),
    },
    round2: {
      schema: Round2SubmissionSchema,
      event: (participant, s: z.output<typeof Round2SubmissionSchema>, at) => ({
        type: 'ROUND2',
        participant,
        shares: s.shares,
        at,
      }),
    },
    complaint: complaintSubmission,
    confirm: confirmSubmission(ConfirmSubmissionSchema),
  },
  verify(facts, event) {
    if (event.type === 'ROUND1') return checkRound1(facts, event);
    if (event.type === 'CONFIRM') return checkConfirmation(facts, event);
    return event;
  },
  complete(facts) {
    const { context } = facts;
    const result = resultOf(facts, 'keygen');
    const expected = expectedFor(facts);
    const format = schemeInfo(context.scheme).address;
    const address = format ? format.of(hexToBytes(expected.groupPublicKey), facts.network) : null;
    const verifyingShares = Object.fromEntries(
      Object.entries(expected.verifyingShares).map(([index, share]) => [String(index), share]),
    );
    return {
      result: {
        keyId: facts.newKeyId,
        groupPublicKey: expected.groupPublicKey,
        ...(address ? { address } : {}),
      },
      key: {
        scheme: context.scheme,
        groupPublicKey: expected.groupPublicKey,
        threshold: context.threshold,
        participants: context.participants.map(({ name, index }) => ({ name, index })),
        verifyingShares,
        address,
        escrows: result.escrows,
      },
    };
  },
  decorate(_facts, notification) {
    if (notification.type !== 'round1_packages') return {};
    const { packages } = notification.payload as {
      packages: Parameters<typeof round1TranscriptHash>[0];
    };
    return { transcriptHash: round1TranscriptHash(packages) };
  },
};
