import type { Feature } from '../app.js';
import type { Services } from '../services.js';

/**
 * Threshold sessions: restores every unfinished session and re-arms its deadline on start
 * (an overdue one times out at once), stops the timers on shutdown. The API is tRPC
 * (`keygen`, `sign`, `session`, `participant`, `key`).
 */
export function createSessionsFeature(services: Services): Feature {
  const { sessions, metrics } = services;
  metrics.countSessionsWith(() => sessions.countByState());
  sessions.start();
  return { close: () => sessions.close() };
}
