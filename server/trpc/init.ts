import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { AppError, errorCodes, type ErrorCode } from '../../protocol/errors.js';
import type { Role } from '../../protocol/identity.js';
import { describeIssues, issuePath, type IssueLike } from '../../protocol/validation.js';
import { requireRole, type AuthHolder } from '../auth/authenticate.js';
import type { Services } from '../services.js';
import { guardSubscription, type ConnectionSubscriptions } from './subscriptions.js';

/** The caller's WebSocket (tRPC over WS only): lets a subscription see and end a slow reader. */
export interface ConnectionHandle {
  /** Bytes queued on the socket but not yet sent. */
  bufferedAmount(): number;
  close(code: number, reason: string): void;
  /** The subscriptions open on this connection (server/trpc/subscriptions.ts). */
  subscriptions: ConnectionSubscriptions;
}

export interface Context {
  services: Services;
  /**
   * Identity comes from the bearer token only (HTTP header or WebSocket connectionParams); over
   * the WebSocket one holder for the connection, which `auth.refresh` updates.
   */
  auth: AuthHolder;
  /** Aborted when the underlying connection goes away (WebSocket) or the request ends. */
  ip: string;
  /** Set for calls over the tRPC WebSocket. */
  connection?: ConnectionHandle;
}

/** Turns our typed AppError into the matching TRPCError (keeping it as the cause). */
export function toTRPCError(err: unknown): unknown {
  if (err instanceof AppError) {
    return new TRPCError({ code: errorCodes[err.code].trpc, message: err.message, cause: err });
  }
  return err;
}

/**
 * The app code of an error tRPC raised itself (zod input errors, role checks, unknown
 * procedures, oversized bodies): every error carries `data.appCode`, as docs/sessions.md says.
 */
const GENERIC_APP_CODES: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorCode>> = {
  PARSE_ERROR: 'BAD_REQUEST',
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_ALLOWED',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  TIMEOUT: 'TIMEOUT',
  INTERNAL_SERVER_ERROR: 'INTERNAL',
};

const t = initTRPC.context<Context>().create({
  // Not dev mode: tRPC would format a (source-mapped) stack for every error shape, only for the
  // formatter below to drop it — about half the CPU a refused call costs under a flood.
  isDev: false,
  // Subscriptions only over the WebSocket, where the connection limits and the slow-client guard
  // apply; HTTP streaming (SSE) is refused before tRPC (server/trpc/http-subscriptions.ts).
  sse: { enabled: false },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const zodIssues =
      cause && typeof cause === 'object' && 'issues' in cause && Array.isArray(cause.issues)
        ? (cause.issues as IssueLike[])
        : undefined;
    const issues = zodIssues?.map((i) => ({ path: issuePath(i), message: i.message }));
    // zod's own message is its issues as pretty-printed JSON; say it in one plain line instead.
    const message = zodIssues
      ? `invalid input: ${describeIssues({ issues: zodIssues })}`
      : shape.message;
    return {
      ...shape,
      message,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: cause instanceof AppError ? cause.code : GENERIC_APP_CODES[error.code],
        details: cause instanceof AppError ? cause.details : undefined,
        issues,
      },
    };
  },
});

/** Rethrows AppErrors from procedures as TRPCErrors with the right code. */
const mapAppErrors = t.middleware(async function mapAppErrors({ next }) {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) throw toTRPCError(result.error.cause);
  return result;
});

const MISSING_TOKEN =
  'missing token: send Authorization: Bearer <token> (HTTP) or connectionParams.token (WebSocket)';

/** Runs an auth check of server/auth/, its AppError as the matching TRPCError. */
function check<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw toTRPCError(err);
  }
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/**
 * One token of the caller's bucket per call, before anything else runs (`--rate-limit`;
 * docs/reliability.md, "Limits"): RATE_LIMITED otherwise, counted and audited in batches.
 */
const limitRate = t.middleware(function limitRate({ ctx, next }) {
  const auth = ctx.auth.current;
  check(() =>
    ctx.services.rateLimiter.take(auth.kind === 'ok' ? auth.principal : undefined, ctx.ip),
  );
  return next();
});

export const publicProcedure = t.procedure.use(limitRate).use(mapAppErrors);

/**
 * A procedure for any valid, unexpired token (checked on every call). A subscription is also
 * counted against the subscription limits and ends when the token does (./subscriptions.ts).
 */
export const authedProcedure = publicProcedure.use(function requireToken({ ctx, type, next }) {
  const principal = check(() => ctx.services.auth.principal(ctx.auth.current, MISSING_TOKEN));
  if (type !== 'subscription') return next({ ctx: { principal } });
  const caller = {
    principal,
    auth: ctx.auth,
    clock: ctx.services.clock,
    subscriptions: ctx.connection?.subscriptions,
  };
  return guardSubscription(caller, () => next({ ctx: { principal } }), toTRPCError);
});

/** A procedure open only to the given roles (FORBIDDEN for the others). */
export function roleProcedure(...allowed: Role[]) {
  return authedProcedure.use(function requireAllowedRole({ ctx, next }) {
    check(() => requireRole(ctx.principal, allowed));
    return next();
  });
}
