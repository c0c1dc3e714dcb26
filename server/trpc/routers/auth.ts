import { z } from 'zod';
import { AppError } from '../../../protocol/errors.js';
import { NameSchema, RoleSchema } from '../../../protocol/identity.js';
import { TtlSchema } from '../../auth/jwt.js';
import { authedProcedure, publicProcedure, roleProcedure, router } from '../init.js';

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

  /**
   * Replaces the token of this WebSocket connection with a newer one for the same sub and role:
   * its subscriptions go on past the old token's expiry (docs/sessions.md, Authorisation).
   * Public, so that a connection whose token has just expired can still present the new one.
   */
  refresh: publicProcedure
    .input(z.object({ token: z.string().min(1).max(16_384) }))
    .mutation(async ({ ctx, input }) => {
      if (!ctx.connection) {
        throw new AppError(
          'BAD_REQUEST',
          'auth.refresh works only over the WebSocket: it replaces the token of that connection',
        );
      }
      const next = await ctx.services.auth.refresh(ctx.auth.current, input.token);
      ctx.auth.current = next;
      return { sub: next.principal.sub, role: next.principal.role, expiresAt: next.expiresAt };
    }),
});
