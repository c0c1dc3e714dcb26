import { KeygenCreateInputSchema } from '../../../protocol/sessions.js';
import { roleProcedure, router } from '../init.js';

export const keygenRouter = router({
  /**
   * Starts a distributed key generation among registered participants. Idempotent with a
   * client-chosen `sessionId`: `{ created: false }` for a repeat, CONFLICT for a different request.
   */
  create: roleProcedure('coordinator', 'admin')
    .input(KeygenCreateInputSchema)
    .mutation(({ ctx, input }) => ctx.services.sessions.createKeygen(ctx.principal, input)),
});
