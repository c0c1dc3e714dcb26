import type { Feature } from '../feature.js';
import type { ServerDeps } from '../services.js';
import { SessionService } from './service.js';

export interface SessionsFeature extends Feature {
  sessions: SessionService;
}

/**
 * Threshold sessions: builds the service, restores every unfinished session and re-arms its
 * deadline on start (an overdue one times out at once), stops the timers on shutdown. The API
 * is tRPC (`keygen`, `sign`, `session`, `participant`, `key`).
 */
export function createSessionsFeature(deps: ServerDeps): SessionsFeature {
  const { config, logger, db, metrics, clock } = deps;
  // One clock for the whole server (SessionServiceDeps takes an optional `clock`).
  const sessionDeps = { config, logger, db, metrics, clock };
  const sessions = new SessionService(sessionDeps);
  metrics.countSessionsWith(() => sessions.countByState());
  sessions.start();
  return { sessions, close: () => sessions.close() };
}
