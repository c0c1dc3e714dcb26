/**
 * Types of the DKLs23 keygen session: `inviting → round1 → round2 → confirming → completed`
 * (docs/ecdsa.md, Sessions).
 *
 * @module
 */
import type {
  CommonSessionEvent,
  InvitationStatus,
  JsonObject,
  Participant,
  SessionContextBase,
  SessionInputBase,
} from '../../session/common.js';
import type { ComplainEvent } from '../../session/complaint.js';
import type {
  ConfirmEvent,
  KeygenConfirmation,
  KeygenResult,
} from '../../frost/sessions/keygen-types.js';
import type { DklsScheme } from './messages.js';

export const DKLS_KEYGEN_KIND = 'dkls23-keygen';

export type DklsKeygenPhase = 'inviting' | 'round1' | 'round2' | 'confirming';
export type DklsKeygenStatus = InvitationStatus | 'round1' | 'round2' | 'confirmed';

export const DKLS_KEYGEN_DONE = {
  inviting: 'accepted',
  round1: 'round1',
  round2: 'round2',
  confirming: 'confirmed',
} as const satisfies Record<DklsKeygenPhase, DklsKeygenStatus>;

export interface DklsKeygenInput extends SessionInputBase {
  scheme: DklsScheme;
  label?: string | null;
  participants: Participant[];
}

/** Round 1: the broadcast (checked by the server) and one sealed message for every other member. */
export interface DklsKeygenRound1Event {
  type: 'ROUND1';
  participant: string;
  broadcast: JsonObject;
  direct: Record<string, string>;
  at: number;
}

/** Round 2: one sealed message for every other member (share, zero seed, set-up answer). */
export interface DklsKeygenRound2Event {
  type: 'ROUND2';
  participant: string;
  direct: Record<string, string>;
  at: number;
}

export type DklsKeygenEvent =
  CommonSessionEvent | DklsKeygenRound1Event | DklsKeygenRound2Event | ConfirmEvent | ComplainEvent;

export interface DklsKeygenContext extends SessionContextBase<DklsKeygenPhase, DklsKeygenStatus> {
  kind: typeof DKLS_KEYGEN_KIND;
  scheme: DklsScheme;
  label: string | null;
  /** Round-1 broadcasts by member (kept: the confirmations are checked against them). */
  broadcasts: Record<string, JsonObject>;
  /** The current round's sealed messages: sender → recipient → ciphertext; cleared once relayed. */
  direct: Record<string, Record<string, string>>;
  confirmations: Record<string, KeygenConfirmation>;
  result: KeygenResult | null;
}
