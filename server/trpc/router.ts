import { router } from './init.js';
import { authRouter } from './routers/auth.js';
import { signerRouter } from './routers/signer.js';

/** The whole typed API; clients import its type only. */
export const appRouter = router({
  auth: authRouter,
  signer: signerRouter,
});

export type AppRouter = typeof appRouter;
