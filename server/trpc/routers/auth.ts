import { z } from 'zod';
import { NameSchema, RoleSchema } from '../../../protocol/identity.js';
import { TtlSchema } from '../../auth/jwt.js';
import { authedProcedure, roleProcedure, router } from '../init.js';

export const authRouter = router({
  /** The identity and role the server sees in the caller's token. */
  whoami: authedProcedure.query(({ ctx }) => ({
    sub: ctx.principal.sub,
    role: ctx.principal.role,
  })),

  /** Admins mint tokens for coordinators, participants and signers without shell access. */
  issueToken: roleProcedure('admin')
    .input(z.object({ sub: NameSchema, role: RoleSchema, ttl: TtlSchema.default('1h') }))
    .mutation(async ({ ctx, input }) => {
      const token = await ctx.services.tokens.issueFor(ctx.principal, input);
      return { token };
    }),
});
