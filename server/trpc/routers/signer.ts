import { base64Encode } from '../../../protocol/encoding.js';
import {
  AttachInputSchema,
  ConnectedInputSchema,
  ProveInputSchema,
  RespondInputSchema,
  SignInputSchema,
} from '../../../protocol/signer-schemas.js';
import { authedProcedure, publicProcedure, roleProcedure, router, toTRPCError } from '../init.js';

/**
 * Single-key signing, typed (docs/signing.md, "Typed API"). Callers: `sign` (coordinator, admin),
 * `status` and `connected` (open, like GET /status and /connected). Typed signers, any
 * authenticated role (what matters is proving possession of the key): `attach` yields a
 * challenge, `prove` answers it, then `attach` yields requests that `respond` answers by id
 * with a signature or a refusal.
 */
export const signerRouter = router({
  sign: roleProcedure('coordinator', 'admin')
    .input(SignInputSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await ctx.services.signing.requestSignature(input.publicKey, input.message, {
        timeoutMs: input.timeoutMs,
        actor: ctx.principal,
        via: 'trpc',
      });
      return { message: base64Encode(result.message), signature: base64Encode(result.signature) };
    }),

  status: publicProcedure.query(({ ctx }) => ctx.services.signing.status()),

  connected: publicProcedure.input(ConnectedInputSchema).query(({ ctx, input }) => {
    const publicKey = ctx.services.signing.normalisePublicKey(input.publicKey);
    return { publicKey, connected: ctx.services.signing.isConnected(publicKey) };
  }),

  attach: authedProcedure.input(AttachInputSchema).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const attachment = ctx.services.signers.open(ctx.principal, input.publicKey);
    const end = () => attachment.close();
    signal?.addEventListener('abort', end, { once: true });
    try {
      yield* attachment.events();
    } catch (err) {
      throw toTRPCError(err);
    } finally {
      signal?.removeEventListener('abort', end);
      attachment.close();
    }
  }),

  prove: authedProcedure.input(ProveInputSchema).mutation(({ ctx, input }) => {
    ctx.services.signers.prove(ctx.principal, input.attachId, input.signature);
    return { attached: true as const };
  }),

  respond: authedProcedure.input(RespondInputSchema).mutation(async ({ ctx, input }) => {
    const answer = 'refuse' in input ? { refuse: input.refuse } : { signature: input.signature };
    return { outcome: await ctx.services.signers.respond(ctx.principal, input.requestId, answer) };
  }),
});
