import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { bearerToken } from '../auth/jwt.js';
import type { Services } from '../services.js';
import type { Context } from './init.js';
import { SubscriptionLimits } from './subscriptions.js';

/**
 * Builds the tRPC context from the HTTP request (once per request) or the WebSocket's
 * connectionParams (once per connection: every call of that socket shares it, so its token
 * holder and subscription counter are the connection's).
 */
export function createContextFactory(services: Services) {
  const subscriptions = new SubscriptionLimits({
    perConnection: services.config.maxSubscriptionsPerConnection,
    perPrincipal: services.config.maxSubscriptionsPerPrincipal,
  });
  return async (opts: {
    req: IncomingMessage;
    info: { connectionParams: Record<string, string | undefined> | null };
    /** The WebSocket, for calls over the tRPC WebSocket. */
    ws?: WebSocket;
  }): Promise<Context> => {
    const fromParams = opts.info.connectionParams?.['token'];
    const token =
      typeof fromParams === 'string' ? fromParams : bearerToken(opts.req.headers.authorization);
    const ws = opts.ws;
    return {
      services,
      auth: { current: await services.auth.authenticate(token) },
      ip: opts.req.socket.remoteAddress ?? 'unknown',
      ...(ws
        ? {
            connection: {
              bufferedAmount: () => ws.bufferedAmount,
              close: (code, reason) => ws.close(code, reason),
              subscriptions: subscriptions.forConnection(),
            },
          }
        : {}),
    };
  };
}
