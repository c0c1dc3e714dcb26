/**
 * What DKLs23 keygen and signing sessions carry between the server and the agents
 * (docs/ecdsa.md, Sessions): the submissions, the relays each member receives, and the values
 * both sides derive from the session (sids, the direct-message binding). The cryptographic
 * messages inside are those of `../wire.ts`; their direct parts travel end to end encrypted.
 *
 * @module
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { EncryptedDirectSchema } from '../../e2e.js';
import { hexBytes, hexString } from '../../encoding.js';
import { NameSchema } from '../../identity.js';
import { SessionIdSchema } from '../../sessions.js';
import { taggedHash, u64 } from '../hashes.js';

export { DKLS23_SCHEME, type DklsScheme } from '../scheme.js';

/** The label of every sealed direct message of a DKLs23 session. */
export const DIRECT_LABEL = 'sigsocket/v1/dkls23-direct';
/** The label of a DKLs23 escrow blob (a key-share record sealed to its holder). */
export const ESCROW_LABEL = 'sigsocket/v1/dkls23-escrow';
/** Largest escrow blob, in bytes (a 20-holder key share, deflated, is about 260 kB). */
export const MAX_ESCROW_BYTES = 1024 * 1024;

/** Which round a direct message belongs to: part of its encryption binding. */
export type DirectRound = 'keygen/round1' | 'keygen/round2' | 'sign/round1' | 'sign/round2';
export const directRound = (round: DirectRound, attempt?: number): string =>
  attempt === undefined ? round : `${round}/${attempt}`;

/**
 * The keygen sid: H(tag, session id, t, every member's index and name). The server derives it
 * again from the key's row (it binds the proofs of knowledge, the set-ups and the signing sids).
 */
export function keygenSid(
  sessionId: string,
  threshold: number,
  participants: ReadonlyArray<{ name: string; index: number }>,
): Uint8Array {
  const members = [...participants]
    .sort((a, b) => a.index - b.index)
    .flatMap((p) => [u64(p.index), utf8ToBytes(p.name)]);
  return taggedHash(
    'sigsocket/v1/dkls23-keygen-sid',
    utf8ToBytes(sessionId),
    u64(threshold),
    u64(participants.length),
    ...members,
  );
}

/** The caller's signing sid of one attempt (`signingSid` adds the key, signers and digest). */
export const signingCallerSid = (sessionId: string, attempt: number): Uint8Array =>
  utf8ToBytes(`sigsocket/v1/dkls23-sign/${sessionId}/${attempt}`);

/** recipient name → sealed direct message (`encryptDirect` with DIRECT_LABEL). */
const DirectPartsSchema = z.record(NameSchema, EncryptedDirectSchema);
const AttemptSchema = z.number().int().min(1);
const hex33 = hexBytes(33);

// Submissions. The broadcasts are checked by the server with the schemas of `../wire.ts`.
export const KeygenRound1SubmissionSchema = z.strictObject({
  kind: z.literal('dkls23_keygen_round1'),
  broadcast: z.unknown(),
  direct: DirectPartsSchema,
});
export const KeygenRound2SubmissionSchema = z.strictObject({
  kind: z.literal('dkls23_keygen_round2'),
  direct: DirectPartsSchema,
});
export const KeygenConfirmSubmissionSchema = z.strictObject({
  kind: z.literal('dkls23_confirm'),
  groupPublicKey: hex33,
  verifyingShare: hex33,
  /** The key-share record sealed to the holder's own identity key (`sealKeyShare`). */
  escrow: hexString({ min: 1, max: MAX_ESCROW_BYTES }),
});
export const SignRound1SubmissionSchema = z.strictObject({
  kind: z.literal('dkls23_sign_round1'),
  attempt: AttemptSchema,
  broadcast: z.unknown(),
  direct: DirectPartsSchema,
});
export const SignRound2SubmissionSchema = z.strictObject({
  kind: z.literal('dkls23_sign_round2'),
  attempt: AttemptSchema,
  broadcast: z.unknown(),
  direct: DirectPartsSchema,
});
export const SignRound3SubmissionSchema = z.strictObject({
  kind: z.literal('dkls23_sign_round3'),
  attempt: AttemptSchema,
  broadcast: z.unknown(),
});
/** The agent lost this attempt's secrets (a crash): the signing restarts with fresh ones. */
export const SecretsLostSubmissionSchema = z.strictObject({
  kind: z.literal('dkls23_secrets_lost'),
  attempt: AttemptSchema,
});

export type KeygenRound1Submission = z.input<typeof KeygenRound1SubmissionSchema>;
export type KeygenRound2Submission = z.input<typeof KeygenRound2SubmissionSchema>;
export type KeygenConfirmSubmission = z.input<typeof KeygenConfirmSubmissionSchema>;
export type SignRound1Submission = z.input<typeof SignRound1SubmissionSchema>;
export type SignRound2Submission = z.input<typeof SignRound2SubmissionSchema>;
export type SignRound3Submission = z.input<typeof SignRound3SubmissionSchema>;
export type SecretsLostSubmission = z.input<typeof SecretsLostSubmissionSchema>;

// Relays: what each member receives when a round settles (one notification per recipient).
const BroadcastEntrySchema = z.object({
  name: NameSchema,
  index: z.number().int().min(1),
  broadcast: z.unknown(),
});
const DirectEntrySchema = z.object({
  from: NameSchema,
  fromIndex: z.number().int().min(1),
  ciphertext: z.string(),
});

/** `dkls23_keygen_round1`: every member's broadcast, and what the others sealed to us. */
export const KeygenRound1RelaySchema = z.object({
  sessionId: SessionIdSchema,
  broadcasts: z.array(BroadcastEntrySchema),
  messages: z.array(DirectEntrySchema),
});
/** `dkls23_keygen_round2`: what the others sealed to us (shares, zero seeds, set-up answers). */
export const KeygenRound2RelaySchema = z.object({
  sessionId: SessionIdSchema,
  messages: z.array(DirectEntrySchema),
});
/** `dkls23_sign_round1` and `dkls23_sign_round2`. */
export const SignRelaySchema = z.object({
  sessionId: SessionIdSchema,
  attempt: AttemptSchema,
  broadcasts: z.array(BroadcastEntrySchema),
  messages: z.array(DirectEntrySchema),
});
/** `dkls23_sign_restarted`: someone lost its secrets; every signer starts `attempt` afresh. */
export const SignRestartedSchema = z.object({
  sessionId: SessionIdSchema,
  participant: NameSchema,
  attempt: AttemptSchema,
  restartsLeft: z.number().int().min(0),
});
/** The `attempt` a signing's `phase_changed` carries. */
export const SignPhaseSchema = z.object({ phase: z.string(), attempt: AttemptSchema });

export type SignRelay = z.output<typeof SignRelaySchema>;
