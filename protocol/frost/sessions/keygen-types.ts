/**
 * Types of the keygen (FROST DKG) session machine: input, events, context and notifications.
 *
 * @module
 */
import {
  TERMINAL_STATES,
  type CommonSessionEvent,
  type InvitationStatus,
  type JsonObject,
  type Participant,
  type SessionContextBase,
  type SessionInputBase,
} from '../../session/common.js';
import type { Scheme } from '../schemes.js';
import type {
  Notification,
  SessionNotification,
  SubmittedNotification,
} from '../../session/notifications.js';

/** Phases in which the session is still running, in order. */
export const KEYGEN_WORKING_PHASES = ['inviting', 'round1', 'round2', 'confirming'] as const;
export type KeygenWorkingPhase = (typeof KEYGEN_WORKING_PHASES)[number];

/** Every top-level state value (the readable `sessions.state` column). */
export const KEYGEN_PHASES = [...KEYGEN_WORKING_PHASES, ...TERMINAL_STATES] as const;
export type KeygenPhase = (typeof KEYGEN_PHASES)[number];

export type KeygenParticipantStatus = InvitationStatus | 'round1' | 'round2' | 'confirmed';

/** The status that settles each working phase for a participant. */
export const KEYGEN_DONE_STATUS = {
  inviting: 'accepted',
  round1: 'round1',
  round2: 'round2',
  confirming: 'confirmed',
} as const satisfies Record<KeygenWorkingPhase, KeygenParticipantStatus>;

export interface KeygenInput extends SessionInputBase {
  scheme: Scheme;
  label?: string | null;
  /** n participants with indexes exactly 1..n; 2 ≤ threshold ≤ n. */
  participants: Participant[];
}

/** A DKG round-1 package (commitments + proof of knowledge), already verified by the runtime. */
export interface Round1Event {
  type: 'ROUND1';
  participant: string;
  package: JsonObject;
  at: number;
}

/** One end-to-end encrypted share for every other participant, keyed by recipient name. */
export interface Round2Event {
  type: 'ROUND2';
  participant: string;
  shares: Record<string, string>;
  at: number;
}

/** A participant reports that another one's share is bad; ends the session `failed`. */
export type { ComplainEvent } from '../../session/complaint.js';
import type { ComplainEvent } from '../../session/complaint.js';

/** A participant's view of the result, checked by the runtime against round-1 commitments. */
export interface ConfirmEvent {
  type: 'CONFIRM';
  participant: string;
  groupPublicKey: string;
  verifyingShare: string;
  /** The participant's signing share encrypted to itself; private, never broadcast. */
  escrow: string;
  at: number;
}

export type KeygenEvent =
  CommonSessionEvent | Round1Event | Round2Event | ComplainEvent | ConfirmEvent;

export interface KeygenConfirmation {
  groupPublicKey: string;
  verifyingShare: string;
  escrow: string;
}

export interface KeygenResult {
  groupPublicKey: string;
  verifyingShares: Record<string, string>;
  /** Private: store per owner, never broadcast. */
  escrows: Record<string, string>;
}

/** What `session_completed` announces (the result without escrows). */
export type KeygenPublicResult = Omit<KeygenResult, 'escrows'>;

export interface KeygenContext extends SessionContextBase<
  KeygenWorkingPhase,
  KeygenParticipantStatus
> {
  kind: 'keygen';
  scheme: Scheme;
  label: string | null;
  /** Round-1 packages by participant name. */
  round1: Record<string, JsonObject>;
  /** Round-2 ciphertexts: sender name → recipient name → ciphertext hex. */
  round2: Record<string, Record<string, string>>;
  confirmations: Record<string, KeygenConfirmation>;
  result: KeygenResult | null;
}

export interface KeygenInvitePayload {
  sessionId: string;
  coordinator: string;
  scheme: Scheme;
  label: string | null;
  t: number;
  n: number;
  partIndex: number;
  participants: Participant[];
  deadline: number;
}

export type KeygenInviteNotification = Notification<'keygen_invite', KeygenInvitePayload, string>;

/** All round-1 packages in index order, once everyone submitted. Broadcast. */
export type Round1PackagesNotification = Notification<
  'round1_packages',
  { sessionId: string; packages: Array<{ name: string; index: number; package: JsonObject }> },
  null
>;

/** The ciphertexts addressed to one recipient, from every sender in index order. */
export type Round2SharesNotification = Notification<
  'round2_shares',
  { sessionId: string; shares: Array<{ from: string; fromIndex: number; ciphertext: string }> },
  string
>;

export type KeygenNotification =
  | SessionNotification<KeygenWorkingPhase, KeygenInviteNotification, {}, KeygenPublicResult>
  | SubmittedNotification<KeygenWorkingPhase>
  | Round1PackagesNotification
  | Round2SharesNotification;
