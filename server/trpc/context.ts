import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { AuthError, bearerToken } from '../auth/jwt.js';
import type { Services } from '../services.js';
import type { AuthState, Context } from './init.js';

async function authenticate(services: Services, token: string | undefined): Promise<AuthState> {
  if (!token) return { kind: 'none' };
  try {
    const verified = await services.verifyToken(token);
    return { kind: 'ok', principal: { sub: verified.sub, role: verified.role }, expiresAt: verified.exp * 1000 };
  } catch (err) {
    return { kind: 'invalid', reason: err instanceof AuthError ? err.message : 'invalid token' };
  }
}

/** Builds the tRPC context from the HTTP request or the WebSocket's connectionParams. */
export function createContextFactory(services: Services) {
  return async (opts: {
    req: IncomingMessage;
    info: { connectionParams: Record<string, string | undefined> | null };
    /** The WebSocket, for calls over the tRPC WebSocket. */
    ws?: WebSocket;
  }): Promise<Context> => {
    const fromParams = opts.info.connectionParams?.['token'];
    const token = typeof fromParams === 'string' ? fromParams : bearerToken(opts.req.headers.authorization);
    const ws = opts.ws;
    return {
      services,
      auth: await authenticate(services, token),
      ip: opts.req.socket.remoteAddress ?? 'unknown',
      ...(ws ? { connection: { bufferedAmount: () => ws.bufferedAmount, close: (code, reason) => ws.close(code, reason) } } : {}),
    };
  };
}
