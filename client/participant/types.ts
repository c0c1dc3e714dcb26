import type { Logger } from 'pino';
import type { SessionEvent } from '../../protocol/sessions.js';
import type { DestroyInvite, KeygenInvite, SignInvite } from '../../protocol/session-events.js';
import type { SigSocketClient } from '../trpc.js';

/** What the approval policy sees: the invitation (a sign invite without its escrow blob). */
export type Invitation =
  | ({ kind: 'keygen' } & KeygenInvite)
  | ({ kind: 'sign' } & Omit<SignInvite, 'escrow'>)
  | ({ kind: 'destroy' } & DestroyInvite);

/** true: accept; false: reject (generic reason); or reject with a reason the others will see. */
export type ApprovalDecision = boolean | { accept: false; reason: string };
export type Approve = (invite: Invitation) => ApprovalDecision | Promise<ApprovalDecision>;

/** What a running agent reports (the CLI prints these). Never carries secrets. */
export type AgentEvent =
  | { type: 'registered'; name: string; identityKey: string }
  | { type: 'subscribed'; lastEventId: string | null }
  | { type: 'disconnected'; message?: string }
  /** An inbox event was handled (every id once, ascending per session). */
  | { type: 'event'; event: SessionEvent }
  /** An event already handled arrived again and was skipped. */
  | { type: 'duplicate'; id: number }
  | { type: 'answered'; sessionId: string; accept: boolean; reason?: string }
  /** The kind of the submission (a built-in one, or another protocol's, e.g. `dkls23_confirm`). */
  | { type: 'submitted'; sessionId: string; kind: string }
  /** The server refused a submission or answer (e.g. ALREADY_SUBMITTED after a replay). */
  | { type: 'refused'; sessionId: string; what: string; code: string; message: string }
  | { type: 'escrow_used'; sessionId: string; keyId: string }
  | { type: 'key_stored'; keyId: string; groupPublicKey: string }
  /** Our share of the key is deleted from the keystore (a destroy session). */
  | { type: 'key_destroyed'; keyId: string; sessionId: string }
  | { type: 'session_ended'; sessionId: string; state: string }
  | { type: 'error'; message: string; sessionId?: string };

export interface ParticipantOptions {
  /** A typed client with a participant (or admin) token. */
  client: SigSocketClient;
  /** Our name: defaults to the token's `sub` (auth.whoami). */
  name?: string;
  /** 32-byte secp256k1 identity secret key (registered with proof of possession). */
  identitySecretKey: Uint8Array;
  /** Encrypted keystore directory (created 0700): DKG state, key shares, nonces, inbox cursor. */
  keystoreDir: string;
  /** Approval policy for invitations; default: accept everything. */
  approve?: Approve;
  onEvent?: (event: AgentEvent) => void;
  logger?: Logger;
}

export interface ParticipantHandle {
  /** Resolves once the identity key is registered and the inbox subscription has started. */
  readonly ready: Promise<void>;
  /** Unsubscribes, stops retrying and waits for the handlers under way. */
  stop(): Promise<void>;
}
