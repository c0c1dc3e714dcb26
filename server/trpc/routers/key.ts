import {
  KeyClearBanInputSchema,
  KeyGetInputSchema,
  KeyListInputSchema,
} from '../../../protocol/sessions.js';
import { authedProcedure, roleProcedure, router } from '../init.js';

/** Threshold keys: a coordinator sees its own, a participant those it holds a share of. */
export const keyRouter = router({
  get: authedProcedure
    .input(KeyGetInputSchema)
    .query(({ ctx, input }) => ctx.services.sessions.keys.get(ctx.principal, input.keyId)),

  list: authedProcedure
    .input(KeyListInputSchema)
    .query(({ ctx, input }) => ctx.services.sessions.keys.list(ctx.principal, input?.limit ?? 100)),

  /** Lifts the bar a failed session put on a member of the key (docs/ecdsa.md, Bans). */
  clearBan: roleProcedure('coordinator', 'admin')
    .input(KeyClearBanInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.sessions.keys.clearBan(ctx.principal, input.keyId, input.participant),
    ),
});
