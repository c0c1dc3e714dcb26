import { router } from './init.js';
import { authRouter } from './routers/auth.js';

/** The whole typed API; clients import its type only. */
export const appRouter = router({
  auth: authRouter,
});

export type AppRouter = typeof appRouter;
