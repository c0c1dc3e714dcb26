/**
 * What the session API returns (docs/sessions.md, API): the outputs of keygen.*, sign.*, session.*,
 * participant.* and key.*. Plain JSON; clients import these types (the router type infers the same
 * shapes).
 *
 * @module
 */
import type { Scheme } from './frost/schemes.js';
import type { ThresholdScheme } from './threshold-schemes.js';
import type { SessionError } from './session/common.js';

/** The protocol a session runs: `keygen` and `sign` for FROST; others as registered. */
export type SessionKind = 'keygen' | 'sign' | (string & {});

/** One member of a session as `session.get` shows it. */
export interface SessionParticipantView {
  name: string;
  /** FROST index (1..n in keygen; the key's indexes in signing). */
  index: number;
  identityKey: string;
  /** invited | accepted | rejected | round1 | round2 | confirmed (keygen); committed | signed (sign). */
  status: string;
}

/** Why a session did not complete: the machine's `SessionError`, as stored. */
export type SessionErrorView = SessionError;

export interface SessionView {
  id: string;
  kind: SessionKind;
  /** The readable state: a working phase or one of `TERMINAL_STATES` (`./session-states.ts`). */
  state: string;
  /** The current working phase (the last one once the session has ended). */
  phase: string;
  scheme: Scheme;
  threshold: number;
  participants: SessionParticipantView[];
  coordinator: string;
  label: string | null;
  /** Sign sessions: the key signing; keygen sessions: the key created (once completed). */
  keyId: string | null;
  /** Sign sessions: the message (hex). */
  message: string | null;
  /** Sign sessions: the current commitment round (starts at 1). */
  commitRound: number | null;
  /** Absolute deadline of the current phase (epoch ms); null once ended. */
  deadline: number | null;
  waitingFor: string[];
  /** keygen `{ keyId, groupPublicKey, address? }`; sign `{ signature, keyId, groupPublicKey, message }`. */
  result: Record<string, unknown> | null;
  error: SessionErrorView | null;
  createdAt: number;
  updatedAt: number;
  /**
   * The id of the newest event of the session when this view was read (null before the first):
   * pass it as `lastEventId` to `session.watch` to receive exactly what happens after the view.
   */
  lastEventId: string | null;
}

/**
 * One row of `session.list`: what a table of sessions shows. It leaves out what can be large —
 * the message, the result, identity keys, the machine's snapshot — so its size is bounded by the
 * input limits (names, at most 255 participants, a 200-character label): docs/sessions.md,
 * Listing sessions. `session.get` reads one session in full (also its phase and commitment
 * round, which only its snapshot holds).
 */
export interface SessionSummary {
  id: string;
  kind: SessionKind;
  state: string;
  scheme: Scheme;
  threshold: number;
  /** Names, in index order. */
  participants: string[];
  coordinator: string;
  label: string | null;
  keyId: string | null;
  deadline: number | null;
  waitingFor: string[];
  error: SessionErrorView | null;
  createdAt: number;
  updatedAt: number;
  /** As in SessionView: the newest event of the session when the row was read. */
  lastEventId: string | null;
}

/** keygen.create / sign.create: `created: false` when the same request was made before. */
export interface CreateSessionResult {
  created: boolean;
  session: SessionView;
}

export interface KeyView {
  id: string;
  scheme: ThresholdScheme;
  /**
   * In the scheme's own encoding (docs/protocol.md §2); Taproot: the output key Q;
   * dkls23-secp256k1: the compressed SEC1 point.
   */
  groupPublicKey: string;
  threshold: number;
  /** The holders of the current epoch. */
  participants: Array<{ name: string; index: number }>;
  /** 1 after keygen, one more per refresh or reshare (docs/lifecycle.md). */
  epoch: number;
  /**
   * `active`, `destroying` (a destroy session runs), `destroyed` or `destroy_incomplete`
   * (docs/lifecycle.md, Key status).
   */
  status: string;
  /** Verifying share of each participant, keyed by index (decimal string). */
  verifyingShares: Record<string, string>;
  /**
   * The key's Bitcoin address — P2TR (frost-secp256k1-tr), P2WPKH (dkls23-secp256k1) — or its
   * Solana address (frost-ed25519); else null.
   */
  address: string | null;
  /** EIP-55 Ethereum address of an ECDSA key (dkls23-secp256k1); null for FROST keys. */
  ethereumAddress: string | null;
  keygenSessionId: string;
  coordinator: string;
  createdAt: number;
  /**
   * Members a failed session of the key named, barred from its signings until `key.clearBan`
   * (DKLs23; docs/ecdsa.md, Bans): empty for FROST keys.
   */
  bans: KeyBan[];
  /** Only for a participant asking: its own escrow blob (its signing share encrypted to itself). */
  escrow?: string;
}

export interface KeyBan {
  participant: string;
  /** The session whose failure named it. */
  sessionId: string;
  code: string;
  at: number;
}

export interface ParticipantView {
  name: string;
  identityKey: string;
  createdAt: number;
  updatedAt: number;
}

export interface ChallengeView {
  /** 32 random bytes, hex; single use. */
  challenge: string;
  expiresAt: number;
}

export interface RegisterResult {
  name: string;
  identityKey: string;
  /** True when a different key was registered before under this name. */
  replaced: boolean;
}
