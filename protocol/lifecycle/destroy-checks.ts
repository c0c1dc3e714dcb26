/**
 * The server half of the destroy session (docs/lifecycle.md, Destroy): who may start it, the
 * check of each holder's acknowledgement, and what the end does to the key.
 *
 * @module
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { defaultVerifier } from '../ecdsa/verifier.js';
import { AppError } from '../errors.js';
import type { SessionChecks } from '../session/description.js';
import { publicParticipants } from '../session/participants.js';
import { resultOf } from '../session/result-of.js';
import { fieldsAsEvent } from '../session/submission.js';
import { destroyStatement } from './destroy-statement.js';
import {
  DESTROY_KIND,
  type DestroyContext,
  type DestroyedEvent,
  type DestroyInput,
} from './destroy-types.js';
import { assertLifecycleFree } from './key-status.js';
import {
  KeyDestroyedSubmissionSchema,
  KeyDestroyInputSchema,
  type KeyDestroyInput,
} from './messages.js';

export const destroyChecks: SessionChecks<
  DestroyContext,
  DestroyedEvent,
  DestroyInput,
  KeyDestroyInput
> = {
  kind: DESTROY_KIND,
  idPrefix: 'kd',
  createSchema: KeyDestroyInputSchema,
  requestFields: (request) => ({ keyId: request.keyId }),
  sessionId: (request) => request.sessionId,
  timeouts: (request) => request.timeouts,
  prepare(request, directory) {
    const key = directory.key(request.keyId);
    assertLifecycleFree(key, directory.running(key.id), DESTROY_KIND);
    const names = key.participants.map((p) => p.name);
    const identityKeys = directory.identityKeys(names);
    const holders = key.participants.map((p) => ({
      name: p.name,
      index: p.index,
      identityKey: identityKeys.get(p.name)!,
    }));
    return {
      input: {
        scheme: key.scheme,
        threshold: key.threshold,
        keyId: key.id,
        keygenSessionId: key.keygenSessionId,
        epoch: key.epoch,
        holders: publicParticipants(holders),
      },
      row: { label: null, keyId: key.id, message: null },
      audit: { keyId: key.id, epoch: key.epoch, holders: names },
      key,
    };
  },
  submissions: {
    key_destroyed: fieldsAsEvent<DestroyedEvent>(KeyDestroyedSubmissionSchema, 'DESTROYED'),
  },
  // An acknowledgement that does not verify under the holder's identity key changes nothing:
  // the holder may answer again (a FAIL would leave the key half destroyed for no reason).
  verify(facts, event) {
    const { context } = facts;
    const holder = context.participants.find((p) => p.name === event.participant);
    const signed =
      holder !== undefined &&
      defaultVerifier().verify(
        hexToBytes(event.signature),
        destroyStatement(context.keyId, context.epoch),
        hexToBytes(holder.identityKey),
      );
    if (!signed) {
      throw new AppError(
        'INVALID_PROOF',
        `the acknowledgement of ${event.participant} does not verify under its identity key ` +
          `(it signs sigsocket-key-destroyed:v1:${context.keyId}:${context.epoch})`,
      );
    }
    return event;
  },
  complete: (facts) => ({ result: { ...resultOf(facts, DESTROY_KIND) } }),
  // Once `destroying` began some holder may have deleted its share: the key never signs again.
  keyAtEnd(facts) {
    const { context, state } = facts;
    if (state === 'completed') {
      return { keyId: context.keyId, status: 'destroyed', eraseEscrows: true };
    }
    if (context.error?.phase === 'inviting') return null;
    return { keyId: context.keyId, status: 'destroy_incomplete', eraseEscrows: true };
  },
};
