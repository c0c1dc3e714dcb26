/**
 * Zod schemas for the payloads of the session events the clients act on (docs/sessions.md,
 * "Events": the notifications the session machines emit). The server is trusted to send these
 * shapes, but a client still validates what it acts on at its edge. Objects are not strict: the
 * server may add fields.
 *
 * @module
 */
import { z } from 'zod';
import { SchemeSchema } from './frost/schemes.js';
import { ThresholdSchemeSchema } from './threshold-schemes.js';
import { NameSchema } from './identity.js';
import { TERMINAL_STATES, type TerminalState } from './session-states.js';
import { SessionIdSchema, SignHashSchema } from './sessions.js';

const MemberSchema = z.object({
  name: NameSchema,
  index: z.number().int().min(1),
  identityKey: z.string(),
});
export type Member = z.output<typeof MemberSchema>;

const base = { sessionId: SessionIdSchema };

/** What every invitation names: who asks, the scheme, and the invitee's place in the group. */
const invite = {
  ...base,
  coordinator: z.string(),
  scheme: ThresholdSchemeSchema,
  t: z.number().int(),
  partIndex: z.number().int(),
  participants: z.array(MemberSchema),
  deadline: z.number(),
};

export const KeygenInviteSchema = z.object({
  ...invite,
  label: z.string().nullish(),
  n: z.number().int(),
});
export type KeygenInvite = z.output<typeof KeygenInviteSchema>;

export const SignInviteSchema = z.object({
  ...invite,
  keyId: z.string(),
  /** The keygen that made the key: the escrow blob is bound to it. */
  keygenSessionId: z.string(),
  message: z.string(),
  /**
   * ECDSA (dkls23-secp256k1): `message` is the digest, and this what it hashes, when the
   * request gave a message (the agent checks the digest before anyone approves it).
   */
  hashed: z.object({ hash: SignHashSchema, message: z.string() }).nullish(),
  escrow: z.string().nullish(),
  commitRound: z.number().int(),
});
export type SignInvite = z.output<typeof SignInviteSchema>;

/** A key's destruction (docs/lifecycle.md, Destroy): each holder deletes its share and says so. */
export const DestroyInviteSchema = z.object({
  ...invite,
  keyId: z.string(),
  /** The keygen that made the key (a share not yet filed under the key id is kept under it). */
  keygenSessionId: z.string(),
  epoch: z.number().int(),
});
export type DestroyInvite = z.output<typeof DestroyInviteSchema>;

export const PhaseChangedSchema = z.object({
  ...base,
  phase: z.string(),
  waitingFor: z.array(z.string()),
  deadline: z.number().nullish(),
  commitRound: z.number().int().optional(),
});

export const ParticipantAnsweredSchema = z.object({
  ...base,
  participant: z.string(),
  accept: z.boolean(),
  reason: z.string().nullish(),
  waitingFor: z.array(z.string()),
});

export const SubmittedSchema = z.object({
  ...base,
  phase: z.string(),
  participant: z.string(),
  waitingFor: z.array(z.string()),
});

export const Round1PackagesSchema = z.object({
  ...base,
  packages: z.array(z.object({ name: z.string(), index: z.number().int(), package: z.unknown() })),
  transcriptHash: z.string().optional(),
});

export const Round2SharesSchema = z.object({
  ...base,
  shares: z.array(
    z.object({ from: z.string(), fromIndex: z.number().int(), ciphertext: z.string() }),
  ),
});

export const SigningPackageEventSchema = z.object({
  ...base,
  keyId: z.string(),
  scheme: SchemeSchema,
  message: z.string(),
  commitRound: z.number().int(),
  commitments: z.array(
    z.object({
      name: z.string(),
      index: z.number().int(),
      hiding: z.string(),
      binding: z.string(),
    }),
  ),
});

export const CommitRoundRestartedSchema = z.object({
  ...base,
  participant: z.string(),
  commitRound: z.number().int(),
  restartsLeft: z.number().int(),
});

export const SessionErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  phase: z.string().optional(),
  culprits: z.array(z.string()).default([]),
  waitingFor: z.array(z.string()).optional(),
});
export type SessionErrorInfo = z.output<typeof SessionErrorSchema>;

/** The event that announces each final state: `session_<state>`. */
export type TerminalEventType = `session_${TerminalState}`;

export const TERMINAL_EVENT_TYPES: readonly TerminalEventType[] = TERMINAL_STATES.map(
  (state) => `session_${state}` as const,
);

export const SessionEndedSchema = z.object({
  ...base,
  state: z.string(),
  result: z.record(z.string(), z.unknown()).nullish(),
  error: SessionErrorSchema.nullish(),
  waitingFor: z.array(z.string()).default([]),
});

export function isTerminalEventType(type: string): type is TerminalEventType {
  return (TERMINAL_EVENT_TYPES as readonly string[]).includes(type);
}
