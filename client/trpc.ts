import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpLink,
  splitLink,
  wsLink,
  type TRPCClient,
} from '@trpc/client';
import type { AppRouter } from '../server/trpc/router.js';
import { batchCappedWebSocket, MAX_BATCH_CALLS } from './batch-cap.js';
import { TokenRefresher } from './token-refresh.js';
import { createFetch, toWebSocketUrl, webSocketClass, type TlsTrust } from './transport.js';

export type { AppRouter };
export type SigSocketClient = TRPCClient<AppRouter>;

const sockets = new WeakMap<SigSocketClient, { close(): Promise<void> }>();

/** Closes the client's WebSocket (subscriptions end; HTTP calls need no closing). */
export async function closeClient(client: SigSocketClient): Promise<void> {
  await sockets.get(client)?.close();
}

export interface ClientOptions extends TlsTrust {
  /** `http(s)://host:port`; the WebSocket URL (`ws(s)://host:port/trpc`) is derived from it. */
  url: string;
  /**
   * Bearer token (JWT). Sent as `Authorization` over HTTP and `connectionParams.token` over WS.
   * A function is asked again before the WebSocket's token expires, and a newer token it returns
   * is sent on that socket (`auth.refresh`), so subscriptions go on (client/token-refresh.ts).
   */
  token?: string | (() => string | undefined | Promise<string | undefined>);
}

/** Reconnect backoff: 0 ms, then 0.5 s doubling to 30 s, with jitter. */
export function reconnectDelayMs(attempt: number): number {
  if (attempt === 0) return 0;
  const base = Math.min(500 * 2 ** (attempt - 1), 30_000);
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/**
 * The typed client: queries and mutations over HTTP(S), subscriptions over one WebSocket that
 * is kept alive, reconnects with backoff and resumes tracked subscriptions from the last event
 * id it saw. An untrusted certificate is refused unless `ca` is given or `insecure` is set.
 */
export function createClient(opts: ClientOptions): SigSocketClient {
  const token = () => (typeof opts.token === 'function' ? opts.token() : opts.token);
  let refresher: TokenRefresher | undefined;
  const wsClient = createWSClient({
    url: toWebSocketUrl(opts.url, '/trpc'),
    WebSocket: batchCappedWebSocket(webSocketClass(opts)),
    connectionParams: async () => {
      const t = await token();
      refresher?.presented(t);
      return t ? { token: t } : {};
    },
    onClose: () => refresher?.closed(),
    retryDelayMs: reconnectDelayMs,
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
    lazy: { enabled: true, closeMs: 0 },
  });
  const http = {
    url: new URL('/trpc', opts.url).toString(),
    fetch: createFetch(opts),
    headers: async () => {
      const t = await token();
      return t ? { authorization: `Bearer ${t}` } : {};
    },
  };
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        // auth.refresh replaces the token of the socket it arrives on.
        condition: (op) => op.type === 'subscription' || op.path === 'auth.refresh',
        true: wsLink({ client: wsClient }),
        // A round submission can be large (a DKLs23 signing round 2: ~100 kB per co-signer):
        // each goes in its own body, so submissions of concurrent sessions never add up past the
        // server's --max-trpc-message-bytes.
        false: splitLink({
          condition: (op) => op.path === 'participant.submit',
          true: httpLink(http),
          false: httpBatchLink({ ...http, maxItems: MAX_BATCH_CALLS }), // ≤ --max-batch-size
        }),
      }),
    ],
  });
  if (typeof opts.token === 'function') {
    refresher = new TokenRefresher({
      token,
      refresh: (t) => client.auth.refresh.mutate({ token: t }),
    });
  }
  sockets.set(client, wsClient);
  return client;
}
