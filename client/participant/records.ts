// What the agent keeps in its keystore, one schema per record kind (docs/participant.md).
import { z } from 'zod';
import { DkgSecretStateSchema } from '../../protocol/frost/dkg.js';
import {
  KeyShareSchema,
  NonceCommitmentsSchema,
  NoncesSchema,
} from '../../protocol/frost/schemas.js';
import { KeygenInviteSchema, SignInviteSchema } from '../../protocol/session-events.js';
import type { Keystore } from './keystore.js';

/** `session/<sessionId>`: the invitation we answered (the context of every later event). */
export const SessionRecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('keygen'), accepted: z.boolean(), invite: KeygenInviteSchema }),
  z.object({
    kind: z.literal('sign'),
    accepted: z.boolean(),
    invite: SignInviteSchema,
    /** The highest commitment round we made nonces for (a round is committed to at most once). */
    committedRound: z.number().int().optional(),
  }),
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
  };
}
export type Records = ReturnType<typeof records>;
