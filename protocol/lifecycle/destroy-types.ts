/**
 * Types of the destroy session, for any threshold scheme: `inviting → destroying → completed`
 * (docs/lifecycle.md, Destroy).
 *
 * @module
 */
import type {
  InvitationStatus,
  Participant,
  SessionContextBase,
  SessionInputBase,
} from '../session/common.js';

export const DESTROY_KIND = 'destroy';
export const DESTROYING = 'destroying';

export type DestroyPhase = 'inviting' | typeof DESTROYING;
export type DestroyStatus = InvitationStatus | 'destroyed';

export interface DestroyInput extends SessionInputBase {
  keyId: string;
  /** The keygen that made the key: agents may still hold its share under this id. */
  keygenSessionId: string;
  epoch: number;
  /** Every holder of the key's current epoch. */
  holders: Participant[];
}

/** A holder deleted its share: its identity key's signature over `destroyStatement`. */
export interface DestroyedEvent {
  type: 'DESTROYED';
  participant: string;
  signature: string;
  at: number;
}

export interface DestroyResult {
  keyId: string;
  epoch: number;
  /** Each holder's signature over `destroyStatement(keyId, epoch)`, in index order. */
  acknowledgements: Array<{ participant: string; signature: string }>;
}

export interface DestroyContext extends SessionContextBase<DestroyPhase, DestroyStatus> {
  kind: typeof DESTROY_KIND;
  keyId: string;
  keygenSessionId: string;
  epoch: number;
  acknowledgements: Record<string, string>;
  result: DestroyResult | null;
}
