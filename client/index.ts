/**
 * The SigSocket client library: what an application imports. The typed tRPC client, the
 * single-key signers, the threshold participant agent and the coordinator helpers, with the
 * types of what they return. The command line (`cli/`) is built on this and is not part of it.
 *
 * Guides: docs/coordinator.md (coordinator helpers), docs/participant.md (the agent),
 * docs/signing.md (signers and `POST /sign`), docs/sessions.md (the session API and events).
 *
 * @module
 */

// The typed client (tRPC over HTTP and one WebSocket).
export {
  closeClient,
  createClient,
  type AppRouter,
  type ClientOptions,
  type SigSocketClient,
} from './trpc.js';
export type { TlsTrust } from './transport.js';
export { refusalOf, type ServerRefusal } from './server-errors.js';
export { StoppedError } from './retry.js';

// Single-key signing: the reference signers and the HTTP endpoints.
export { runSigner, type TypedSignerOptions } from './signer/typed.js';
export { runLegacySigner, type LegacySignerOptions } from './signer/legacy.js';
export type { Approve as ApproveSignature, SignerEvent, SignerHandle } from './signer/types.js';
export {
  HttpSignError,
  postSign,
  signingHttpClient,
  type HttpSignRequest,
  type SignHttpResult,
  type SigningHttpClient,
} from './signing-http.js';
export { KeyFileError, loadOrCreateKeyFile, type LoadedKey } from './key-file.js';

// Threshold sessions: the participant agent.
export {
  Keystore,
  KeystoreError,
  ParticipantError,
  readCommitmentLog,
  runParticipant,
  type AgentEvent,
  type ApprovalDecision,
  type Approve as ApproveInvitation,
  type CommitmentLogEntry,
  type Invitation,
  type ParticipantHandle,
  type ParticipantOptions,
} from './participant/index.js';

// Threshold sessions: the coordinator helpers.
export {
  SessionEndedError,
  followSession,
  startKeygen,
  startSign,
  type FollowOptions,
  type SessionProgress,
} from './coordinator/index.js';

// What the session API returns and the events it delivers (protocol/, shared with the server).
export type {
  CreateSessionResult,
  KeyView,
  SessionErrorView,
  SessionParticipantView,
  SessionView,
} from '../protocol/session-view.js';
export type { SessionEvent } from '../protocol/sessions.js';
export { isTerminalEventType, type TerminalEventType } from '../protocol/session-events.js';
export {
  TERMINAL_STATES,
  isTerminalState,
  type TerminalState,
} from '../protocol/session-states.js';
