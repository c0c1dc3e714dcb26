import type Database from 'better-sqlite3';
import type { Db } from '../db/open.js';
import type { TokenVerifier } from './auth/jwt.js';
import type { Role } from '../protocol/identity.js';
import type { ServeConfig } from './config.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { SessionService } from './sessions/service.js';
import type { SigningService } from './signing/service.js';

/** What request handlers (HTTP routes, tRPC procedures, WebSocket adapters) may use. */
export interface Services {
  config: ServeConfig;
  logger: Logger;
  db: Db;
  sqlite: Database.Database;
  metrics: Metrics;
  verifyToken: TokenVerifier;
  /** Single-key remote signing: signer registry, requests, legacy and typed signers. */
  signing: SigningService;
  /** Threshold sessions: runtime, identities, keys and event streams. */
  sessions: SessionService;
  /** Signs a token with this server's HS256 secret. */
  issueToken(claims: { sub: string; role: Role; ttl?: string }): Promise<string>;
}
