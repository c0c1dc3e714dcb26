import type { ProtocolDefinition } from '../protocol/session/description.js';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { openDataDir } from '../db/open.js';
import { createAuthenticator } from './auth/authenticate.js';
import { cachedTokenVerifier } from './auth/cached-verifier.js';
import { createTokenVerifier } from './auth/jwt.js';
import { loadOrCreateSecret, secretFromString } from './auth/secret.js';
import { TokenIssuer } from './auth/token-issuer.js';
import { AuditBatcher } from './audit-batcher.js';
import { systemClock, type Clock } from './clock.js';
import type { ServeConfig } from './config.js';
import type { Feature } from './feature.js';
import { sendJson } from './http/json.js';
import { createRequestListener, type HttpRoute } from './http/router.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { RateLimiter } from './rate-limit.js';
import { createSessionsFeature } from './sessions/feature.js';
import { createSigningFeature } from './signing/feature.js';
import type { ServerDeps, Services } from './services.js';
import { loadTls } from './tls.js';
import { createContextFactory } from './trpc/context.js';
import { refuseHttpSubscriptions } from './trpc/http-subscriptions.js';
import { appRouter } from './trpc/router.js';
import { limitHttpBatches, limitWsBatches } from './trpc/batch-limit.js';
import { gateMessages } from './trpc/message-gates.js';
import { retryAfterHeader } from './trpc/retry-after.js';
import { closeClientsThatDoNotRead } from './trpc/slow-clients.js';
import { routeUpgrades } from './ws/upgrade.js';

export interface ServerHandle {
  /** `http(s)://host:port` */
  url: string;
  /** `ws(s)://host:port` */
  wsUrl: string;
  port: number;
  services: Services;
  close(): Promise<void>;
}

function healthRoutes(services: ServerDeps): HttpRoute[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      handler: (_req, res) => {
        services.sqlite.prepare('select 1').get();
        sendJson(res, 200, { status: 'ok' });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async (_req, res) => {
        const text = await services.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': services.metrics.registry.contentType });
        res.end(text);
      },
    },
  ];
}

/**
 * Starts one server on one port: tRPC over HTTP(S) and WebSocket at /trpc, the features'
 * routes and WebSocket endpoints, /healthz and /metrics. TLS files are checked before the
 * data directory is taken, so a misconfiguration changes nothing.
 */
export async function startServer(
  config: ServeConfig,
  opts: {
    logger?: Logger;
    clock?: Clock;
    /** The session protocols to run (default: FROST keygen and signing). */
    protocols?: readonly ProtocolDefinition[];
  } = {},
): Promise<ServerHandle> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const tls =
    config.tlsCert && config.tlsKey ? loadTls(config.tlsCert, config.tlsKey, clock) : undefined;
  const database = openDataDir(config.dataDir);
  try {
    const secret = config.jwtSecret
      ? secretFromString(config.jwtSecret)
      : loadOrCreateSecret(config.dataDir);
    const { jwtJwks, jwtIssuer, jwtAudience, jwtAlgorithms } = config;
    const verifyToken = createTokenVerifier({
      secret,
      // resolveConfig has checked that the four go together.
      ...(jwtJwks && jwtIssuer && jwtAudience && jwtAlgorithms
        ? {
            external: {
              jwks: jwtJwks,
              issuer: jwtIssuer,
              audience: jwtAudience,
              algorithms: jwtAlgorithms,
            },
          }
        : {}),
    });
    const metrics = createMetrics();
    const audit = new AuditBatcher(database.sqlite, clock, logger);
    const deps: ServerDeps = {
      config,
      logger,
      db: database.db,
      sqlite: database.sqlite,
      metrics,
      clock,
      audit,
      rateLimiter: new RateLimiter({
        ratePerSecond: config.rateLimit,
        burst: config.rateBurst,
        audit,
        refused: () => metrics.callsRefused.inc({ code: 'RATE_LIMITED' }),
        clock,
      }),
      // Verified tokens are remembered until they expire: every edge (HTTP, tRPC) shares it.
      auth: createAuthenticator(cachedTokenVerifier(verifyToken, clock), clock),
    };
    // The features beside tRPC and health; each capability plugs in here.
    const signing = createSigningFeature(deps);
    const sessions = createSessionsFeature(deps, opts.protocols);
    const features: Feature[] = [signing, sessions];
    const tokens = new TokenIssuer({ secret, db: database.db, clock });
    const services: Services = {
      ...deps,
      tokens,
      signing: signing.signing,
      signers: signing.signers,
      sessions: sessions.sessions,
      issueToken: (claims) => tokens.issue(claims),
    };
    const createContext = createContextFactory(services);

    const trpcHttp = createHTTPHandler({
      router: appRouter,
      basePath: '/trpc/',
      maxBodySize: config.maxTrpcMessageBytes,
      createContext: ({ req }) => createContext({ req, info: { connectionParams: null } }),
      responseMeta: ({ errors }) => retryAfterHeader(errors),
    });
    const listener = createRequestListener({
      routes: [...healthRoutes(services), ...features.flatMap((f) => f.routes ?? [])],
      trpc: limitHttpBatches(
        refuseHttpSubscriptions(appRouter, trpcHttp),
        config.maxBatchSize,
        () => metrics.callsRefused.inc({ code: 'BATCH_TOO_LARGE' }),
      ),
      logger,
    });
    const server = tls ? https.createServer({ ...tls }, listener) : http.createServer(listener);

    // ws caps a message (all its fragments together) at maxPayload; never the 100 MiB default.
    const trpcWss = new WebSocketServer({ noServer: true, maxPayload: config.maxTrpcMessageBytes });
    // Checked on every message before tRPC's adapter reads it, in this order.
    gateMessages(trpcWss, [
      closeClientsThatDoNotRead({ maxBufferedBytes: config.subscriberMaxBufferedBytes, logger }),
      limitWsBatches(config.maxBatchSize, () =>
        metrics.callsRefused.inc({ code: 'BATCH_TOO_LARGE' }),
      ),
    ]);
    const trpcWs = applyWSSHandler({
      wss: trpcWss,
      router: appRouter,
      createContext: ({ req, res, info }) => createContext({ req, info, ws: res }),
      keepAlive: {
        enabled: true,
        pingMs: config.heartbeatMs,
        pongWaitMs: config.heartbeatTimeoutMs,
      },
    });
    const endpoints: Record<string, WebSocketServer> = { '/trpc': trpcWss };
    for (const f of features) Object.assign(endpoints, f.endpoints ?? {});
    routeUpgrades({
      server,
      endpoints,
      maxConnectionsPerIp: config.maxConnectionsPerIp,
      metrics: services.metrics,
    });

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => logger.error({ err }, 'server error'));
    const port = (server.address() as AddressInfo).port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
    // Resolved once: proof challenges carry its origin and /status shows it (docs/signing.md).
    const publicUrl = config.publicUrl ?? url;
    signing.signing.setPublicUrl(publicUrl);
    logger.info(
      { url, publicUrl, dataDir: config.dataDir, tls: Boolean(tls) },
      'sigsocket listening',
    );

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        server.close(); // stop accepting
        trpcWs.broadcastReconnectNotification(); // tRPC clients reconnect (to the next server)
        for (const f of features) await f.close?.();
        services.rateLimiter.flush();
        services.audit.flush();
        for (const wss of Object.values(endpoints)) {
          for (const client of wss.clients) client.close(1012, 'server restarting');
          wss.close();
        }
        server.closeAllConnections();
        services.metrics.eventLoopDelay.stop();
        database.close();
        logger.info('sigsocket stopped');
      })());
    return { url, wsUrl: url.replace(/^http/, 'ws'), port, services, close };
  } catch (err) {
    database.close();
    throw err;
  }
}
