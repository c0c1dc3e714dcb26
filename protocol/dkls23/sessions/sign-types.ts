/**
 * Types of the DKLs23 signing session: `inviting → round1 → round2 → round3 → completed`, the
 * server combining once every round-3 broadcast is in (docs/ecdsa.md, Sessions).
 *
 * @module
 */
import type {
  CommonSessionEvent,
  InvitationStatus,
  JsonObject,
  SessionContextBase,
  SessionInputBase,
} from '../../session/common.js';
import type { ComplainEvent } from '../../session/complaint.js';
import type { Signer } from '../../frost/sessions/sign-types.js';
import type { SignHash } from '../../sessions.js';
import type { DklsScheme } from './messages.js';

export const DKLS_SIGN_KIND = 'dkls23-sign';
/** Attempts after the first when signers lose their secrets (a crash): the default bound. */
export const DEFAULT_MAX_RESTARTS = 3;

export type DklsSignPhase = 'inviting' | 'round1' | 'round2' | 'round3';
export type DklsSignStatus = InvitationStatus | 'round1' | 'round2' | 'round3';

export const DKLS_SIGN_DONE = {
  inviting: 'accepted',
  round1: 'round1',
  round2: 'round2',
  round3: 'round3',
} as const satisfies Record<DklsSignPhase, DklsSignStatus>;

/** What was hashed into the digest, when the request gave a message (shown to approvers). */
export interface HashedMessage {
  hash: SignHash;
  message: string;
}

export interface DklsSignInput extends SessionInputBase {
  scheme: DklsScheme;
  keyId: string;
  /** The 32-byte digest to sign, hex. */
  digest: string;
  hashed: HashedMessage | null;
  /** Exactly `threshold` of the key's holders, with the key's indexes. */
  signers: Signer[];
  maxRestarts?: number;
}

interface RoundEvent<TType extends string> {
  type: TType;
  participant: string;
  attempt: number;
  broadcast: JsonObject;
  at: number;
}

export interface DklsSignRound1Event extends RoundEvent<'ROUND1'> {
  direct: Record<string, string>;
}
export interface DklsSignRound2Event extends RoundEvent<'ROUND2'> {
  direct: Record<string, string>;
}
export type DklsSignRound3Event = RoundEvent<'ROUND3'>;

/** A signer lost this attempt's secrets: every signer starts the next attempt afresh. */
export interface SecretsLostEvent {
  type: 'SECRETS_LOST';
  participant: string;
  attempt: number;
  at: number;
}

export interface DklsSignature {
  /** r ‖ s (low-S), 64 bytes hex. */
  signature: string;
  r: string;
  s: string;
  recoveryId: number;
  der: string;
  /** r ‖ s ‖ v, v = 27 + (recoveryId & 1), 65 bytes hex. */
  ethereum: string;
}

/** The server's combine verified the signature under the group key. */
export interface CombinedEvent {
  type: 'AGGREGATED';
  result: DklsSignature;
  at: number;
}

export type DklsSignEvent =
  | CommonSessionEvent
  | DklsSignRound1Event
  | DklsSignRound2Event
  | DklsSignRound3Event
  | SecretsLostEvent
  | ComplainEvent
  | CombinedEvent;

export interface DklsSignContext extends SessionContextBase<DklsSignPhase, DklsSignStatus> {
  kind: typeof DKLS_SIGN_KIND;
  scheme: DklsScheme;
  keyId: string;
  digest: string;
  hashed: HashedMessage | null;
  /** The current attempt (1, then one more per SECRETS_LOST); part of every sid. */
  attempt: number;
  maxRestarts: number;
  escrows: Record<string, string>;
  round1: Record<string, JsonObject>;
  round2: Record<string, JsonObject>;
  round3: Record<string, JsonObject>;
  /** The current round's sealed messages: sender → recipient → ciphertext; cleared once relayed. */
  direct: Record<string, Record<string, string>>;
  result: DklsSignature | null;
}
