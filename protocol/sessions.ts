import { z } from 'zod';
import { hexBytes, hexString } from './encoding.js';
import {
  ConfirmationSchema,
  NonceCommitmentsSchema,
  Round1PackageSchema,
  ScalarHexSchema,
  MAX_MESSAGE_BYTES,
} from './frost/schemas.js';
import { ThresholdSchemeSchema } from './threshold-schemes.js';
import { NameSchema } from './identity.js';

/**
 * The threshold-session API contract (docs/sessions.md, API and Events): the inputs of the tRPC
 * procedures and the envelope of the events the subscriptions deliver. Shared by the server
 * (validation at the edge) and the participant/coordinator clients.
 */

/** Client-chosen session ids make creation idempotent (same id + same request = same session). */
export const SessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'a session id is 1-100 letters, digits, . _ : -');

export const KeyIdSchema = SessionIdSchema;

/** Per-session deadline overrides, bounded by the server's configured min/max. */
export const TimeoutsSchema = z
  .strictObject({
    inviteMs: z.number().int().positive().optional(),
    roundMs: z.number().int().positive().optional(),
  })
  .optional();

const ParticipantListSchema = z
  .array(NameSchema)
  .min(2)
  .max(255)
  .refine((names) => new Set(names).size === names.length, 'participant names must be unique');

export const KeygenCreateInputSchema = z.strictObject({
  sessionId: SessionIdSchema.optional(),
  threshold: z.number().int().min(2).max(255),
  participants: ParticipantListSchema,
  scheme: ThresholdSchemeSchema.default('frost-secp256k1'),
  label: z.string().max(200).optional(),
  timeouts: TimeoutsSchema,
});
export type KeygenCreateInput = z.input<typeof KeygenCreateInputSchema>;

/** How an ECDSA signing hashes its message: docs/ecdsa.md, Signing. */
export const SignHashSchema = z.enum(['sha256', 'keccak256', 'eip191']);
export type SignHash = z.output<typeof SignHashSchema>;

export const SignCreateInputSchema = z
  .strictObject({
    sessionId: SessionIdSchema.optional(),
    keyId: KeyIdSchema,
    /**
     * The message to sign, hex. FROST signs it as given (no pre-hash); an ECDSA key
     * (dkls23-secp256k1) signs its `hash`, which must then be given.
     */
    message: hexString({ min: 0, max: MAX_MESSAGE_BYTES }).optional(),
    /**
     * A 32-byte digest to sign as given, for schemes that sign digests (dkls23-secp256k1). Every
     * FROST scheme refuses it (RFC 9591 signs the message itself): docs/sessions.md, Signing.
     */
    digest: hexBytes(32).optional(),
    /** How an ECDSA key hashes `message` first (`eip191` is Ethereum's personal_sign). */
    hash: SignHashSchema.optional(),
    participants: ParticipantListSchema,
    timeouts: TimeoutsSchema,
  })
  .superRefine((request, ctx) => {
    if ((request.message === undefined) === (request.digest === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of message and digest' });
    }
    if (request.hash !== undefined && request.message === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['hash'],
        message: 'hash applies to a message, not a digest',
      });
    }
  });
export type SignCreateInput = z.input<typeof SignCreateInputSchema>;

/**
 * session.create: a session of any protocol the server runs, by its kind; `request` is that
 * protocol's create request (for `keygen` and `sign` the input of keygen.create / sign.create).
 */
export const SessionCreateInputSchema = z.strictObject({
  kind: z.string().min(1).max(64),
  request: z.unknown(),
});

// What a participant submits in each round; `kind` names the round (docs/sessions.md).
export const Round1SubmissionSchema = z.strictObject({
  kind: z.literal('round1'),
  package: Round1PackageSchema,
});
export const Round2SubmissionSchema = z.strictObject({
  kind: z.literal('round2'),
  /** recipient name → end-to-end encrypted share (see docs/protocol.md). */
  shares: z.record(NameSchema, hexString({ min: 1, max: 1024 })),
});
export const ComplaintSubmissionSchema = z.strictObject({
  kind: z.literal('complaint'),
  accused: NameSchema,
  reason: z.string().min(1).max(500),
});
export const ConfirmSubmissionSchema = z.strictObject({
  kind: z.literal('confirm'),
  ...ConfirmationSchema.shape,
  /** The participant's signing share encrypted to its own identity key (docs/protocol.md). */
  escrow: hexString({ min: 1, max: 4096 }),
});
export const CommitmentsSubmissionSchema = z.strictObject({
  kind: z.literal('commitments'),
  commitRound: z.number().int().min(0),
  ...NonceCommitmentsSchema.shape,
});
export const ShareSubmissionSchema = z.strictObject({
  kind: z.literal('share'),
  commitRound: z.number().int().min(0),
  share: ScalarHexSchema,
});
/** The participant lost its nonces: the server restarts the commitment round (never reuse). */
export const NoncesLostSubmissionSchema = z.strictObject({
  kind: z.literal('nonces_lost'),
  commitRound: z.number().int().min(0),
});

/** The submissions of the built-in protocols (FROST keygen and signing). */
export const SubmissionSchema = z.discriminatedUnion('kind', [
  Round1SubmissionSchema,
  Round2SubmissionSchema,
  ComplaintSubmissionSchema,
  ConfirmSubmissionSchema,
  CommitmentsSubmissionSchema,
  ShareSubmissionSchema,
  NoncesLostSubmissionSchema,
]);
export type Submission = z.infer<typeof SubmissionSchema>;

/** A submission of another registered protocol: the server checks it against that protocol. */
export interface ProtocolSubmission {
  kind: string;
  [field: string]: unknown;
}

const BUILT_IN_KINDS: ReadonlySet<string> = new Set(
  SubmissionSchema.options.map((o) => o.shape.kind.value),
);

/**
 * A built-in submission is checked here, at the edge, with exact messages; one of another kind
 * passes on to the protocol the session runs, which checks it with its own schema.
 */
export const AnySubmissionSchema = z
  .looseObject({ kind: z.string().min(1).max(64) })
  .transform((value, ctx): Submission | ProtocolSubmission => {
    if (!BUILT_IN_KINDS.has(value.kind)) return value;
    const parsed = SubmissionSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue(issue as never);
    return z.NEVER;
  });

export const SubmitInputSchema = z.strictObject({
  sessionId: SessionIdSchema,
  submission: AnySubmissionSchema,
});

export const RespondInputSchema = z.strictObject({
  sessionId: SessionIdSchema,
  accept: z.boolean(),
  reason: z.string().max(500).optional(),
});

/** An identity key (33-byte compressed secp256k1) and the proof that the caller holds it. */
export const RegisterInputSchema = z.strictObject({
  identityKey: hexBytes(33),
  /** The challenge from participant.challenge. */
  challenge: hexBytes(32),
  /** ECDSA (compact r||s, hex) by the identity key over identityProofMessage(...). */
  signature: hexBytes(64),
  /** When replacing a registered key: the OLD key's signature over the same message. */
  previousKeySignature: hexBytes(64).optional(),
  /** Admins may register or replace the key of another participant. */
  name: NameSchema.optional(),
});

/**
 * The bytes an identity key signs to prove possession (ECDSA over SHA-256 of these bytes):
 * `sigsocket-identity:v1:<name>:<identityKey hex>:<challenge hex>` in UTF-8.
 */
export function identityProofMessage(
  name: string,
  identityKey: string,
  challenge: string,
): Uint8Array {
  return new TextEncoder().encode(`sigsocket-identity:v1:${name}:${identityKey}:${challenge}`);
}

/** Resume point of a tracked subscription: the last event id the client saw. */
export const LastEventIdSchema = z
  .string()
  .regex(/^\d{1,15}$/)
  .nullish();

export const WatchInputSchema = z.strictObject({
  sessionId: SessionIdSchema,
  lastEventId: LastEventIdSchema,
});
export const InboxInputSchema = z.strictObject({ lastEventId: LastEventIdSchema }).optional();

/** `keygen`, `sign`, or the kind of another protocol the server runs. */
export const SessionKindSchema = z.string().min(1).max(64);
/** session.list pages: at most this many summaries (docs/sessions.md, Listing sessions). */
export const MAX_LIST_LIMIT = 100;
export const DEFAULT_LIST_LIMIT = 50;
export const ListInputSchema = z
  .strictObject({
    kind: SessionKindSchema.optional(),
    state: z.string().max(32).optional(),
    limit: z.number().int().min(1).max(MAX_LIST_LIMIT).default(DEFAULT_LIST_LIMIT),
  })
  .optional();

/** One `session_events` row as delivered by session.watch and participant.inbox. */
export interface SessionEvent {
  id: number;
  sessionId: string;
  type: string;
  /** null: everyone in the session; else the participant it is addressed to. */
  recipient: string | null;
  payload: Record<string, unknown>;
  createdAt: number;
}

/** session.get */
export const SessionGetInputSchema = z.strictObject({ sessionId: SessionIdSchema });

/** session.abort: the session's coordinator or an admin ends it (`aborted`, announced to all). */
export const AbortInputSchema = z.strictObject({
  sessionId: SessionIdSchema,
  reason: z.string().max(500).optional(),
});

/** key.get */
export const KeyGetInputSchema = z.strictObject({ keyId: KeyIdSchema });
export const KeyClearBanInputSchema = z.strictObject({
  keyId: KeyIdSchema,
  participant: NameSchema,
});

/** key.list */
export const KeyListInputSchema = z
  .strictObject({ limit: z.number().int().min(1).max(500).default(100) })
  .optional();

/** key.history */
export const KeyHistoryInputSchema = z.strictObject({
  keyId: KeyIdSchema,
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
});
