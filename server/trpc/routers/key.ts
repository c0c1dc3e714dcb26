import { KeyGetInputSchema, KeyListInputSchema } from '../../../protocol/sessions.js';
import { authedProcedure, router } from '../init.js';

/** Threshold keys: a coordinator sees its own, a participant those it holds a share of. */
export const keyRouter = router({
  get: authedProcedure
    .input(KeyGetInputSchema)
    .query(({ ctx, input }) => ctx.services.sessions.keys.get(ctx.principal, input.keyId)),

  list: authedProcedure
    .input(KeyListInputSchema)
    .query(({ ctx, input }) => ctx.services.sessions.keys.list(ctx.principal, input?.limit ?? 100)),
});
