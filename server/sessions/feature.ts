import type { ProtocolDefinition } from '../../protocol/session/description.js';
import type { Feature } from '../feature.js';
import type { ServerDeps } from '../services.js';
import { SessionService } from './service.js';

export interface SessionsFeature extends Feature {
  sessions: SessionService;
}

/**
 * Threshold sessions: builds the service for the given protocols (default: FROST keygen and
 * signing), restores every unfinished session and re-arms its deadline on start (an overdue one
 * times out at once), stops the timers on shutdown. The API is tRPC (`keygen`, `sign`,
 * `session`, `participant`, `key`).
 */
export function createSessionsFeature(
  deps: ServerDeps,
  protocols?: readonly ProtocolDefinition[],
): SessionsFeature {
  const { config, logger, db, metrics, clock, audit } = deps;
  const sessions = new SessionService({
    config,
    logger,
    db,
    metrics,
    clock,
    audit,
    ...(protocols ? { protocols } : {}),
  });
  metrics.countSessionsWith(() => sessions.countByState());
  sessions.start();
  return { sessions, close: () => sessions.close() };
}
