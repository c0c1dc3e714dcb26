import type { ProtocolDefinition } from '../protocol/session/description.js';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { openDataDir } from '../db/open.js';
import { cachedTokenVerifier } from './auth/cached-verifier.js';
import { createTokenVerifier, issueToken } from './auth/jwt.js';
import { loadOrCreateSecret, secretFromString } from './auth/secret.js';
import type { ServeConfig } from './config.js';
import { sendJson } from './http/json.js';
import { createRequestListener, type HttpRoute } from './http/router.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createSessionsFeature } from './sessions/feature.js';
import { SessionService } from './sessions/service.js';
import { createSigningFeature } from './signing/feature.js';
import { createSigningService } from './signing/service.js';
import type { Services } from './services.js';
import { loadTls } from './tls.js';
import { createContextFactory } from './trpc/context.js';
import { appRouter } from './trpc/router.js';
import { closeClientsThatDoNotRead } from './trpc/slow-clients.js';
import { routeUpgrades } from './ws/upgrade.js';

/**
 * A capability of the server (legacy signers, sessions, ...): the HTTP routes and WebSocket
 * endpoints it serves and what it must do on shutdown.
 */
export interface Feature {
  routes?: HttpRoute[];
  endpoints?: Record<string, WebSocketServer>;
  /** Called on shutdown, before the database closes. */
  close?(): void | Promise<void>;
}

export interface ServerHandle {
  /** `http(s)://host:port` */
  url: string;
  /** `ws(s)://host:port` */
  wsUrl: string;
  port: number;
  services: Services;
  close(): Promise<void>;
}

function healthRoutes(services: Services): HttpRoute[] {
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

/** The features beside tRPC and health; each issue's capability plugs in here. */
function createFeatures(services: Services): Feature[] {
  return [createSigningFeature(services), createSessionsFeature(services)];
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
    /** The session protocols to run (default: FROST keygen and signing). */
    protocols?: readonly ProtocolDefinition[];
  } = {},
): Promise<ServerHandle> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const tls = config.tlsCert && config.tlsKey ? loadTls(config.tlsCert, config.tlsKey) : undefined;
  const database = openDataDir(config.dataDir);
  try {
    const secret = config.jwtSecret ? secretFromString(config.jwtSecret) : loadOrCreateSecret(config.dataDir);
    const metrics = createMetrics();
    const services: Services = {
      config,
      logger,
      db: database.db,
      sqlite: database.sqlite,
      metrics,
      // Verified tokens are remembered until they expire: every edge (HTTP, tRPC) shares it.
      verifyToken: cachedTokenVerifier(createTokenVerifier({
        secret,
        ...(config.jwtJwks ? { jwks: config.jwtJwks } : {}),
        ...(config.jwtIssuer ? { jwksIssuer: config.jwtIssuer } : {}),
      })),
      issueToken: (claims) => issueToken(secret, claims),
      signing: createSigningService({ config, logger, sqlite: database.sqlite, metrics }),
      sessions: new SessionService({
        config,
        logger,
        db: database.db,
        metrics,
        ...(opts.protocols ? { protocols: opts.protocols } : {}),
      }),
    };
    const createContext = createContextFactory(services);
    const features = createFeatures(services);

    const trpcHttp = createHTTPHandler({
      router: appRouter,
      basePath: '/trpc/',
      maxBodySize: config.maxTrpcMessageBytes,
      createContext: ({ req }) => createContext({ req, info: { connectionParams: null } }),
    });
    const listener = createRequestListener({
      routes: [...healthRoutes(services), ...features.flatMap((f) => f.routes ?? [])],
      trpc: trpcHttp,
      logger,
    });
    const server = tls ? https.createServer({ ...tls }, listener) : http.createServer(listener);

    // ws caps a message (all its fragments together) at maxPayload; never the 100 MiB default.
    const trpcWss = new WebSocketServer({ noServer: true, maxPayload: config.maxTrpcMessageBytes });
    closeClientsThatDoNotRead(trpcWss, { maxBufferedBytes: config.subscriberMaxBufferedBytes, logger });
    const trpcWs = applyWSSHandler({
      wss: trpcWss,
      router: appRouter,
      createContext: ({ req, res, info }) => createContext({ req, info, ws: res }),
      keepAlive: { enabled: true, pingMs: config.heartbeatMs, pongWaitMs: config.heartbeatTimeoutMs },
    });
    const endpoints: Record<string, WebSocketServer> = { '/trpc': trpcWss };
    for (const f of features) Object.assign(endpoints, f.endpoints ?? {});
    routeUpgrades({ server, endpoints, maxConnectionsPerIp: config.maxConnectionsPerIp, metrics: services.metrics });

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
    logger.info({ url, dataDir: config.dataDir, tls: Boolean(tls) }, 'sigsocket listening');

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        server.close(); // stop accepting
        trpcWs.broadcastReconnectNotification(); // tRPC clients reconnect (to the next server)
        for (const f of features) await f.close?.();
        for (const wss of Object.values(endpoints)) {
          for (const client of wss.clients) client.close(1012, 'server restarting');
          wss.close();
        }
        server.closeAllConnections();
        database.close();
        logger.info('sigsocket stopped');
      })());
    return { url, wsUrl: url.replace(/^http/, 'ws'), port, services, close };
  } catch (err) {
    database.close();
    throw err;
  }
}
