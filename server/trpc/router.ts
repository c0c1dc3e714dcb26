import { router } from './init.js';
import { authRouter } from './routers/auth.js';
import { keyRouter } from './routers/key.js';
import { keygenRouter } from './routers/keygen.js';
import { participantRouter } from './routers/participant.js';
import { sessionRouter } from './routers/session.js';
import { signRouter } from './routers/sign.js';
import { signerRouter } from './routers/signer.js';

/** The whole typed API; clients import its type only. */
export const appRouter = router({
  auth: authRouter,
  signer: signerRouter,
  participant: participantRouter,
  keygen: keygenRouter,
  sign: signRouter,
  session: sessionRouter,
  key: keyRouter,
});

export type AppRouter = typeof appRouter;
