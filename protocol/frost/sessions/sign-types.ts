/**
 * Types of the sign session machine: input, events, context and notifications.
 *
 * @module
 */
import {
  TERMINAL_STATES,
  type CommonSessionEvent,
  type InvitationStatus,
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
export const SIGN_WORKING_PHASES = ['inviting', 'commitments', 'shares'] as const;
export type SignWorkingPhase = (typeof SIGN_WORKING_PHASES)[number];

/** Every top-level state value (the readable `sessions.state` column). */
export const SIGN_PHASES = [...SIGN_WORKING_PHASES, ...TERMINAL_STATES] as const;
export type SignPhase = (typeof SIGN_PHASES)[number];

export type SignParticipantStatus = InvitationStatus | 'committed' | 'signed';

/** The status that settles each working phase for a participant. */
export const SIGN_DONE_STATUS = {
  inviting: 'accepted',
  commitments: 'committed',
  shares: 'signed',
} as const satisfies Record<SignWorkingPhase, SignParticipantStatus>;

/** How often a lost nonce may restart the commitment round before the session fails. */
export const DEFAULT_MAX_COMMIT_RESTARTS = 3;

/** A chosen signer: a key participant with its FROST index and its own escrow blob. */
export interface Signer extends Participant {
  /** The signer's keygen escrow (its signing share encrypted to itself); sent only to it. */
  escrow?: string | null;
}

export interface SignInput extends SessionInputBase {
  scheme: Scheme;
  keyId: string;
  /** The message to sign, hex. */
  message: string;
  /** At least `threshold` of the key's participants, with the key's indexes. */
  signers: Signer[];
  /** Defaults to DEFAULT_MAX_COMMIT_RESTARTS. */
  maxCommitRestarts?: number;
}

export interface NonceCommitments {
  hiding: string;
  binding: string;
}

/**
 * Round-1 nonce commitments. `commitRound` must be the session's current one (from
 * `sign_invite`, `commit_round_restarted` or `phase_changed`): a commitment made for an
 * earlier round is refused, so no nonce outlives a restart.
 */
export interface CommitEvent {
  type: 'COMMIT';
  participant: string;
  commitRound: number;
  commitments: NonceCommitments;
  at: number;
}

/** A signature share over the `signing_package` of round `commitRound`. */
export interface ShareEvent {
  type: 'SHARE';
  participant: string;
  commitRound: number;
  share: string;
  at: number;
}

/**
 * A participant that committed lost its nonces: restart the commitment round (bounded). With
 * `commitRound`, a report about an earlier round is refused (it cannot restart a newer one).
 */
export interface NoncesLostEvent {
  type: 'NONCES_LOST';
  participant: string;
  commitRound?: number;
  at: number;
}

/** The runtime aggregated the shares and verified the signature under the group key. */
export interface AggregatedEvent {
  type: 'AGGREGATED';
  signature: string;
  at: number;
}

export type SignEvent =
  CommonSessionEvent | CommitEvent | ShareEvent | NoncesLostEvent | AggregatedEvent;

export interface SignResult {
  signature: string;
}

export interface SignContext extends SessionContextBase<SignWorkingPhase, SignParticipantStatus> {
  kind: 'sign';
  scheme: Scheme;
  keyId: string;
  message: string;
  /** Starts at 1; every restart of the commitment round adds one. */
  commitRound: number;
  maxCommitRestarts: number;
  /** Private: each signer's escrow, only ever sent to its owner in `sign_invite`. */
  escrows: Record<string, string>;
  /** Commitments of the current round by name. */
  commitments: Record<string, NonceCommitments>;
  /** Signature shares of the current round by name. */
  shares: Record<string, string>;
  /** Lower-case hex of every commitment of earlier rounds; none may come back. */
  spentCommitments: string[];
  result: SignResult | null;
}

export interface SignInvitePayload {
  sessionId: string;
  coordinator: string;
  scheme: Scheme;
  keyId: string;
  message: string;
  t: number;
  partIndex: number;
  participants: Participant[];
  escrow: string | null;
  commitRound: number;
  deadline: number;
}

export type SignInviteNotification = Notification<'sign_invite', SignInvitePayload, string>;

/** Everything a signer needs for its share, once all commitments are in. Broadcast. */
export type SigningPackageNotification = Notification<
  'signing_package',
  {
    sessionId: string;
    keyId: string;
    scheme: Scheme;
    message: string;
    commitRound: number;
    commitments: Array<{ name: string; index: number } & NonceCommitments>;
  },
  null
>;

/** Someone lost its nonces; everyone must commit again with fresh nonces. Broadcast. */
export type CommitRoundRestartedNotification = Notification<
  'commit_round_restarted',
  { sessionId: string; participant: string; commitRound: number; restartsLeft: number },
  null
>;

export type SignNotification =
  | SessionNotification<
      SignWorkingPhase,
      SignInviteNotification,
      { commitRound: number },
      SignResult
    >
  | SubmittedNotification<SignWorkingPhase>
  | SigningPackageNotification
  | CommitRoundRestartedNotification;
