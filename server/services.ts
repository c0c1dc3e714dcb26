import type Database from 'better-sqlite3';
import type { Db } from '../db/open.js';
import type { AuditBatcher } from './audit-batcher.js';
import type { Authenticator } from './auth/authenticate.js';
import type { TokenClaims, TokenIssuer } from './auth/token-issuer.js';
import type { Clock } from './clock.js';
import type { ServeConfig } from './config.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { RateLimiter } from './rate-limit.js';
import type { SessionService } from './sessions/service.js';
import type { SigningService } from './signing/service.js';
import type { TypedSigners } from './signing/typed-signers.js';

/** What every feature is built from: settings, logs, storage, metrics, the clock, auth. */
export interface ServerDeps {
  config: ServeConfig;
  logger: Logger;
  db: Db;
  sqlite: Database.Database;
  metrics: Metrics;
  clock: Clock;
  /** Bearer token → principal, for every edge. */
  auth: Authenticator;
  /** Audit rows written in batches (refusals: no fsync each); flushed on close. */
  audit: AuditBatcher;
  /** Calls per principal per second, for every edge (`--rate-limit`, `--rate-burst`). */
  rateLimiter: RateLimiter;
}

/** What request handlers (tRPC procedures) reach: the shared deps and each feature's service. */
export interface Services extends ServerDeps {
  /** Tokens signed with this server's secret (`auth.issueToken`). */
  tokens: TokenIssuer;
  /** Single-key remote signing (the signing feature's). */
  signing: SigningService;
  /** Typed signers' attachments (the signing feature's). */
  signers: TypedSigners;
  /** Threshold sessions: runtime, identities, keys and event streams (the sessions feature's). */
  sessions: SessionService;
  /** Signs a token with this server's HS256 secret (not audited: the demo and tests use it). */
  issueToken(claims: TokenClaims): Promise<string>;
}
