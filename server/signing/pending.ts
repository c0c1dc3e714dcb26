import type { AppError } from '../../protocol/errors.js';

/** What a signer answered for one request, after verification. */
export type SignOutcome = { ok: true; signature: Uint8Array } | { ok: false; error: AppError };

/** One sign request waiting for its signer. */
export interface PendingRequest {
  /** Random, unguessable; typed signers answer by it. */
  readonly id: string;
  readonly message: Uint8Array;
  /** Canonical base64 of the message: the legacy wire form and the echo-matching key. */
  readonly messageKey: string;
  /** Settles the request once (later calls are ignored). */
  settle(outcome: SignOutcome): void;
  readonly settled: boolean;
}
