// Starting sessions. A session id is chosen here when the caller gives none, so retrying a
// create after a lost answer is idempotent (the server recognises the same id and request).
import { randomBytes } from 'node:crypto';
import type { CreateSessionResult } from '../../protocol/session-view.js';
import type { KeygenCreateInput, SignCreateInput } from '../../protocol/sessions.js';
import { retryTransient } from '../retry.js';
import { isTransient } from '../server-errors.js';
import type { SigSocketClient } from '../trpc.js';

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
/** A server that stays unreachable this long is reported rather than waited for. */
const ATTEMPTS = 5;

export function startKeygen(
  client: SigSocketClient,
  input: KeygenCreateInput,
): Promise<CreateSessionResult> {
  const request = { ...input, sessionId: input.sessionId ?? newId('kg') };
  return retryTransient(() => client.keygen.create.mutate(request), isTransient, {
    maxAttempts: ATTEMPTS,
  });
}

export function startSign(
  client: SigSocketClient,
  input: SignCreateInput,
): Promise<CreateSessionResult> {
  const request = { ...input, sessionId: input.sessionId ?? newId('sg') };
  return retryTransient(() => client.sign.create.mutate(request), isTransient, {
    maxAttempts: ATTEMPTS,
  });
}
