// Starting sessions. A session id is chosen here when the caller gives none, so retrying a
// create after a lost answer is idempotent (the server recognises the same id and request).
import { randomBytes } from 'node:crypto';
import type { CreateSessionResult } from '../../protocol/session-view.js';
import type { KeyDestroyRequest } from '../../protocol/lifecycle/messages.js';
import type { KeygenCreateInput, SignCreateInput } from '../../protocol/sessions.js';
import { retryTransient } from '../retry.js';
import { isTransient } from '../server-errors.js';
import type { SigSocketClient } from '../trpc.js';

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
/** A server that stays unreachable this long is reported rather than waited for. */
const ATTEMPTS = 5;

/** Sends a create with an id (the caller's or a new one), retrying while the server is unreachable. */
function create<I extends { sessionId?: string | undefined }>(
  prefix: string,
  input: I,
  send: (request: I & { sessionId: string }) => Promise<CreateSessionResult>,
): Promise<CreateSessionResult> {
  const request = { ...input, sessionId: input.sessionId ?? newId(prefix) };
  return retryTransient(() => send(request), isTransient, { maxAttempts: ATTEMPTS });
}

export function startKeygen(
  client: SigSocketClient,
  input: KeygenCreateInput,
): Promise<CreateSessionResult> {
  return create('kg', input, (request) => client.keygen.create.mutate(request));
}

export function startSign(
  client: SigSocketClient,
  input: SignCreateInput,
): Promise<CreateSessionResult> {
  return create('sg', input, (request) => client.sign.create.mutate(request));
}

/** Starts a key's destruction (docs/lifecycle.md, Destroy). */
export function startDestroy(
  client: SigSocketClient,
  input: KeyDestroyRequest,
): Promise<CreateSessionResult> {
  return create('kd', input, (request) => client.key.destroy.mutate(request));
}
