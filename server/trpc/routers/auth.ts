import { authedProcedure, router } from '../init.js';

export const authRouter = router({
  /** The identity and role the server sees in the caller's token. */
  whoami: authedProcedure.query(({ ctx }) => ({ sub: ctx.principal.sub, role: ctx.principal.role })),
});
