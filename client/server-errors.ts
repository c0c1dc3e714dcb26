// Telling a server's answer ("no, because CODE") from a failed exchange (network down, server
// restarting) that is worth retrying.
import { TRPCClientError } from '@trpc/client';

/** A definite answer from the server: the stable app code (else the tRPC code) and its message. */
export interface ServerRefusal {
  code: string;
  message: string;
}

const TRANSIENT_TRPC_CODES = new Set([
  'INTERNAL_SERVER_ERROR',
  'TIMEOUT',
  'TOO_MANY_REQUESTS',
  'BAD_GATEWAY',
  'SERVICE_UNAVAILABLE',
  'GATEWAY_TIMEOUT',
  'CLIENT_CLOSED_REQUEST',
]);

interface ErrorData {
  code?: string;
  appCode?: string;
}

/** The refusal in `err`, or undefined when the call failed without a definite answer. */
export function refusalOf(err: unknown): ServerRefusal | undefined {
  if (!(err instanceof TRPCClientError)) return undefined;
  const data = err.data as ErrorData | undefined;
  if (!data?.code || TRANSIENT_TRPC_CODES.has(data.code)) return undefined;
  return { code: data.appCode ?? data.code, message: err.message };
}

/** True when retrying the same call later may succeed. Anything but a tRPC error is a bug. */
export function isTransient(err: unknown): boolean {
  return err instanceof TRPCClientError && refusalOf(err) === undefined;
}

/**
 * What went wrong with a failed exchange, for a person: the innermost cause's message
 * (`connect ECONNREFUSED 127.0.0.1:8080`, `self-signed certificate`) rather than the wrapper's
 * (`fetch failed`, tRPC's `Initialization error`). Follows `cause`, and the `error` of the
 * WebSocket ErrorEvent that tRPC's WebSocket errors carry.
 */
export function connectionProblem(err: unknown): string {
  let text = err instanceof Error ? err.message : String(err);
  let current: unknown = err;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const { message, code, cause, error } = current as {
      message?: unknown;
      code?: unknown;
      cause?: unknown;
      error?: unknown;
    };
    if (typeof message === 'string' && message !== '') text = message;
    else if (typeof code === 'string') text = code;
    current = cause ?? error;
  }
  return text;
}
