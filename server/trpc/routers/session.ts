import {
  AbortInputSchema,
  ListInputSchema,
  SessionCreateInputSchema,
  SessionGetInputSchema,
  WatchInputSchema,
} from '../../../protocol/sessions.js';
import { authedProcedure, roleProcedure, router } from '../init.js';

/**
 * Sessions as their coordinator, their participants and admins see them (others: NOT_FOUND).
 */
export const sessionRouter = router({
  /**
   * Starts a session of any protocol this server runs (`kind`), with that protocol's own
   * request; keygen.create and sign.create are the typed forms of the two FROST ones.
   */
  create: roleProcedure('coordinator', 'admin')
    .input(SessionCreateInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.sessions.create(ctx.principal, input.kind, input.request),
    ),

  get: authedProcedure
    .input(SessionGetInputSchema)
    .query(({ ctx, input }) => ctx.services.sessions.get(ctx.principal, input.sessionId)),

  /** Newest first, filtered by kind and state. */
  list: authedProcedure
    .input(ListInputSchema)
    .query(({ ctx, input }) => ctx.services.sessions.list(ctx.principal, input)),

  /** Ends a running session `aborted` (the session's coordinator or an admin). */
  abort: roleProcedure('coordinator', 'admin')
    .input(AbortInputSchema)
    .mutation(({ ctx, input }) => ctx.services.sessions.abort(ctx.principal, input)),

  /** The session's events (broadcasts + those addressed to the caller), tracked by event id. */
  watch: authedProcedure
    .input(WatchInputSchema)
    .subscription(({ ctx, input, signal }) =>
      ctx.services.sessions.watch(ctx.principal, input, { connection: ctx.connection, signal }),
    ),
});
