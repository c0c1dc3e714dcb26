import {
  KeyClearBanInputSchema,
  KeyGetInputSchema,
  KeyHistoryInputSchema,
  KeyListInputSchema,
} from '../../../protocol/sessions.js';
import { KeyDestroyInputSchema } from '../../../protocol/lifecycle/messages.js';
import { authedProcedure, roleProcedure, router } from '../init.js';

/** Threshold keys: a coordinator sees its own, a participant those it holds a share of. */
export const keyRouter = router({
  get: authedProcedure
    .input(KeyGetInputSchema)
    .query(({ ctx, input }) => ctx.services.sessions.keys.get(ctx.principal, input.keyId)),

  list: authedProcedure
    .input(KeyListInputSchema)
    .query(({ ctx, input }) => ctx.services.sessions.keys.list(ctx.principal, input?.limit ?? 100)),

  /** The key's keygen and lifecycle sessions, newest first (docs/lifecycle.md). */
  history: authedProcedure
    .input(KeyHistoryInputSchema)
    .query(({ ctx, input }) =>
      ctx.services.sessions.keyHistory(ctx.principal, input.keyId, input.limit ?? 100),
    ),

  /**
   * Starts the key's destruction (docs/lifecycle.md, Destroy): every holder deletes its share and
   * signs that it did. Returns the session like keygen.create; idempotent with a `sessionId`.
   */
  destroy: roleProcedure('coordinator', 'admin')
    .input(KeyDestroyInputSchema)
    .mutation(({ ctx, input }) => ctx.services.sessions.destroyKey(ctx.principal, input)),

  /** Lifts the bar a failed session put on a member of the key (docs/ecdsa.md, Bans). */
  clearBan: roleProcedure('coordinator', 'admin')
    .input(KeyClearBanInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.sessions.keys.clearBan(ctx.principal, input.keyId, input.participant),
    ),
});
