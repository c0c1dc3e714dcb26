// Everything the event handlers share: identity, keystore, the server calls (retried while the
// server is unreachable; a definite refusal is reported and the handler moves on).
import type { Logger } from 'pino';
import type { SignState1, SignState2 } from '../../protocol/dkls23/signing.js';
import type { ProtocolSubmission, Submission } from '../../protocol/sessions.js';
import { retryTransient } from '../retry.js';
import { isTransient, refusalOf } from '../server-errors.js';
import type { SigSocketClient } from '../trpc.js';
import type { Keystore } from './keystore.js';
import { NonceStore } from './nonce-store.js';
import { records, type Records } from './records.js';
import type { AgentEvent, Approve } from './types.js';

/**
 * A DKLs23 signing attempt under way: its state after round 1 or 2. In memory only, never on
 * disk (docs/dkls23.md): a crash loses it, and the attempt is then reported lost, not rerun.
 */
export type DklsSigning =
  { attempt: number; step: 1; state: SignState1 } | { attempt: number; step: 2; state: SignState2 };

export interface AgentContext {
  client: SigSocketClient;
  name: string;
  identitySecretKey: Uint8Array;
  /** Our identity public key, compressed hex. */
  identityKey: string;
  keystore: Keystore;
  records: Records;
  nonces: NonceStore;
  /** session id → its DKLs23 signing attempt under way. */
  dklsSignings: Map<string, DklsSigning>;
  approve: Approve;
  signal: AbortSignal;
  log: Logger;
  emit(event: AgentEvent): void;
  /** Retries `fn` while the server is unreachable; rethrows a definite refusal. */
  call<T>(fn: () => Promise<T>): Promise<T>;
  /** Submits a round payload; false when the server refused it (reported, not thrown). */
  submit(sessionId: string, submission: Submission | ProtocolSubmission): Promise<boolean>;
  /** Answers an invitation; false when the server refused the answer. */
  respond(sessionId: string, accept: boolean, reason?: string): Promise<boolean>;
}

export function createAgentContext(fields: {
  client: SigSocketClient;
  name: string;
  identitySecretKey: Uint8Array;
  identityKey: string;
  keystore: Keystore;
  approve: Approve;
  signal: AbortSignal;
  log: Logger;
  emit(event: AgentEvent): void;
}): AgentContext {
  const { client, log, emit, signal } = fields;
  const call = <T>(fn: () => Promise<T>) =>
    retryTransient(fn, isTransient, {
      signal,
      onRetry: (err, attempt) =>
        log.warn({ attempt, err: (err as Error).message }, 'server unreachable; retrying'),
    });

  /** Runs a session call; a refusal is logged and emitted, and answers false. */
  async function attempt(
    sessionId: string,
    what: string,
    fn: () => Promise<unknown>,
  ): Promise<boolean> {
    try {
      await call(fn);
      return true;
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      log.info({ sessionId, what, code: refusal.code, reason: refusal.message }, 'server refused');
      emit({ type: 'refused', sessionId, what, ...refusal });
      return false;
    }
  }

  return {
    ...fields,
    records: records(fields.keystore),
    nonces: new NonceStore(fields.keystore),
    dklsSignings: new Map(),
    call,
    async submit(sessionId, submission) {
      const ok = await attempt(sessionId, submission.kind, () =>
        client.participant.submit.mutate({ sessionId, submission }),
      );
      if (ok) {
        log.info({ sessionId, kind: submission.kind }, 'submitted');
        // A DKLs23 kind (`dkls23_…`) is not among the built-in kinds AgentEvent names yet.
        emit({ type: 'submitted', sessionId, kind: submission.kind });
      }
      return ok;
    },
    async respond(sessionId, accept, reason) {
      const ok = await attempt(sessionId, 'respond', () =>
        client.participant.respond.mutate({ sessionId, accept, ...(reason ? { reason } : {}) }),
      );
      if (ok) {
        log.info({ sessionId, accept, reason }, 'answered invitation');
        emit({ type: 'answered', sessionId, accept, ...(reason ? { reason } : {}) });
      }
      return ok;
    },
  };
}
