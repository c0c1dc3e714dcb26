import { SignCreateInputSchema } from '../../../protocol/sessions.js';
import { roleProcedure, router } from '../init.js';

export const signRouter = router({
  /**
   * Starts a threshold signing of `message` (hex) with at least t of the key's participants.
   * Idempotent with a client-chosen `sessionId`, like keygen.create.
   */
  create: roleProcedure('coordinator', 'admin')
    .input(SignCreateInputSchema)
    .mutation(({ ctx, input }) => ctx.services.sessions.createSign(ctx.principal, input)),
});
