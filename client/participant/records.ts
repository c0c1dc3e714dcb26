// What the agent keeps in its keystore, one schema per record kind (docs/participant.md).
import { z } from 'zod';
import { DklsKeyShareRecordSchema } from '../../protocol/dkls23/key-share.js';
import { KeygenStateRecordSchema } from '../../protocol/dkls23/keygen-state.js';
import { DkgSecretStateSchema } from '../../protocol/frost/dkg.js';
import {
  KeyShareSchema,
  NonceCommitmentsSchema,
  NoncesSchema,
} from '../../protocol/frost/schemas.js';
import {
  DestroyInviteSchema,
  KeygenInviteSchema,
  SignInviteSchema,
} from '../../protocol/session-events.js';
import type { Keystore } from './keystore.js';

/** `session/<sessionId>`: the invitation we answered (the context of every later event). */
export const SessionRecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('keygen'), accepted: z.boolean(), invite: KeygenInviteSchema }),
  z.object({
    kind: z.literal('sign'),
    accepted: z.boolean(),
    invite: SignInviteSchema,
    /**
     * The highest commitment round we made nonces for (a round is committed to at most once);
     * for DKLs23, the highest signing attempt we started (its round 1 may be on the server).
     */
    committedRound: z.number().int().optional(),
  }),
  z.object({ kind: z.literal('destroy'), accepted: z.boolean(), invite: DestroyInviteSchema }),
]);
export type SessionRecord = z.output<typeof SessionRecordSchema>;

/** `keygen-share/<sessionId>`: our share from a keygen we confirmed, until the key has its id. */
export const KeygenShareRecordSchema = z.object({ share: KeyShareSchema });

/** `key/<keyId>`: a key share ready for signing. */
export const KeyRecordSchema = z.object({
  keyId: z.string(),
  keygenSessionId: z.string(),
  share: KeyShareSchema,
});
export type KeyRecord = z.output<typeof KeyRecordSchema>;

/** `nonces/<sessionId>@<commitRound>`: single-use signing nonces and their public commitments. */
export const NonceRecordSchema = z.object({
  nonces: NoncesSchema,
  commitments: NonceCommitmentsSchema,
});
export type NonceRecord = z.output<typeof NonceRecordSchema>;

export const nonceRecordId = (sessionId: string, commitRound: number) =>
  `${sessionId}@${commitRound}`;

/**
 * `dkls-keygen/<sessionId>`: our DKLs23 keygen state after round 1 or 2, with the submission made
 * from it (resubmitted as it is when the round's event is replayed: never fresh secrets).
 */
export const DklsKeygenRecordSchema = z.object({
  state: KeygenStateRecordSchema,
  submitted: z.looseObject({ kind: z.string() }),
});
export type DklsKeygenRecord = z.input<typeof DklsKeygenRecordSchema>;

/** `dkls-key-share/<sessionId>`: our DKLs23 key share from a keygen we confirmed, until it has its id. */
export const DklsKeyShareHeldSchema = z.object({ share: DklsKeyShareRecordSchema });

/** `dkls-key/<keyId>`: a DKLs23 key share ready for signing. */
export const DklsKeyRecordSchema = z.object({
  keyId: z.string(),
  keygenSessionId: z.string(),
  share: DklsKeyShareRecordSchema,
});
export type DklsKeyRecord = z.input<typeof DklsKeyRecordSchema>;

/** Typed access to the records (one place that pairs each kind with its schema). */
export function records(keystore: Keystore) {
  return {
    session: (id: string) => keystore.read('session', id, SessionRecordSchema),
    putSession: (id: string, r: SessionRecord) => keystore.write('session', id, r),
    dkg: (id: string) => keystore.read('dkg', id, DkgSecretStateSchema),
    putDkg: (id: string, s: z.input<typeof DkgSecretStateSchema>) => keystore.write('dkg', id, s),
    keygenShare: (id: string) => keystore.read('keygen-share', id, KeygenShareRecordSchema),
    putKeygenShare: (id: string, r: z.input<typeof KeygenShareRecordSchema>) =>
      keystore.write('keygen-share', id, r),
    key: (keyId: string) => keystore.read('key', keyId, KeyRecordSchema),
    putKey: (r: KeyRecord) => keystore.write('key', r.keyId, r),
    dklsKeygen: (id: string) => keystore.read('dkls-keygen', id, DklsKeygenRecordSchema),
    putDklsKeygen: (id: string, r: DklsKeygenRecord) => keystore.write('dkls-keygen', id, r),
    dklsKeyShare: (id: string) => keystore.read('dkls-key-share', id, DklsKeyShareHeldSchema),
    putDklsKeyShare: (id: string, r: z.input<typeof DklsKeyShareHeldSchema>) =>
      keystore.write('dkls-key-share', id, r),
    dklsKey: (keyId: string) => keystore.read('dkls-key', keyId, DklsKeyRecordSchema),
    putDklsKey: (r: DklsKeyRecord) => keystore.write('dkls-key', r.keyId, r),
  };
}
export type Records = ReturnType<typeof records>;
