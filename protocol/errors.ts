/**
 * Stable error codes of the API, shared by server and clients. tRPC errors carry the code in
 * `error.data.appCode`; HTTP endpoints answer `{ "error": text, "code": CODE }` with the
 * status listed here.
 */
export const errorCodes = {
  BAD_REQUEST: { http: 400, trpc: 'BAD_REQUEST' },
  UNAUTHORIZED: { http: 401, trpc: 'UNAUTHORIZED' },
  FORBIDDEN: { http: 403, trpc: 'FORBIDDEN' },
  NOT_FOUND: { http: 404, trpc: 'NOT_FOUND' },
  METHOD_NOT_ALLOWED: { http: 405, trpc: 'METHOD_NOT_SUPPORTED' },
  CONFLICT: { http: 409, trpc: 'CONFLICT' },
  PAYLOAD_TOO_LARGE: { http: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, trpc: 'UNSUPPORTED_MEDIA_TYPE' },
  SIGNER_NOT_CONNECTED: { http: 404, trpc: 'NOT_FOUND' },
  TOO_MANY_PENDING: { http: 429, trpc: 'TOO_MANY_REQUESTS' },
  /** The caller's token bucket is empty (`--rate-limit`); `details.retryAfterMs` says when to retry. */
  RATE_LIMITED: { http: 429, trpc: 'TOO_MANY_REQUESTS' },
  /** More tRPC calls in one batch than `--max-batch-size`. */
  BATCH_TOO_LARGE: { http: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  /** `--max-running-sessions` or `--max-running-sessions-per-coordinator` reached. */
  TOO_MANY_SESSIONS: { http: 429, trpc: 'TOO_MANY_REQUESTS' },
  /** `--max-subscriptions-per-connection` or `--max-subscriptions-per-principal` reached. */
  TOO_MANY_SUBSCRIPTIONS: { http: 429, trpc: 'TOO_MANY_REQUESTS' },
  INVALID_SIGNATURE: { http: 502, trpc: 'BAD_GATEWAY' },
  INVALID_RESPONSE: { http: 502, trpc: 'BAD_GATEWAY' },
  SIGNER_DISCONNECTED: { http: 502, trpc: 'BAD_GATEWAY' },
  SIGNER_REFUSED: { http: 502, trpc: 'BAD_GATEWAY' },
  TIMEOUT: { http: 504, trpc: 'TIMEOUT' },
  // Threshold sessions
  UNKNOWN_PARTICIPANTS: { http: 400, trpc: 'BAD_REQUEST' },
  NOT_A_PARTICIPANT: { http: 403, trpc: 'FORBIDDEN' },
  /** A member a failed session of the key named; docs/ecdsa.md, Bans. */
  PARTICIPANT_BANNED: { http: 403, trpc: 'FORBIDDEN' },
  /** The key is destroyed (or its destruction did not complete): docs/lifecycle.md. */
  KEY_DESTROYED: { http: 410, trpc: 'PRECONDITION_FAILED' },
  /** Another session holds the key (a lifecycle session, or signings before one): docs/lifecycle.md. */
  KEY_BUSY: { http: 409, trpc: 'CONFLICT' },
  WRONG_PHASE: { http: 409, trpc: 'CONFLICT' },
  ALREADY_SUBMITTED: { http: 409, trpc: 'CONFLICT' },
  SESSION_FINISHED: { http: 409, trpc: 'CONFLICT' },
  INVALID_PACKAGE: { http: 400, trpc: 'BAD_REQUEST' },
  NONCE_REUSED: { http: 400, trpc: 'BAD_REQUEST' },
  ALREADY_ANSWERED: { http: 409, trpc: 'CONFLICT' },
  /** A signing submission for an earlier commitment round. */
  STALE_ROUND: { http: 409, trpc: 'CONFLICT' },
  /** nonces_lost from a participant with no commitment in the current round. */
  NOT_COMMITTED: { http: 409, trpc: 'CONFLICT' },
  /** Identity registration: unknown/used/expired challenge or a signature that does not verify. */
  INVALID_PROOF: { http: 400, trpc: 'BAD_REQUEST' },
  INTERNAL: { http: 500, trpc: 'INTERNAL_SERVER_ERROR' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

/**
 * The base of every error SigSocket raises, on the server, in the client library and in the
 * CLI: a stable `code` to switch on and one plain sentence. Subclasses narrow `code` to their
 * own list; `AppError` is the one that crosses the API (its codes map to HTTP and tRPC above).
 */
export class SigSocketError<TCode extends string = string> extends Error {
  constructor(
    readonly code: TCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class AppError extends SigSocketError<ErrorCode> {
  constructor(
    code: ErrorCode,
    message: string,
    /** Extra machine-readable facts (e.g. culprits); never secrets. */
    readonly details?: Record<string, unknown>,
  ) {
    super(code, message);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}
