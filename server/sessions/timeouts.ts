import type { Timeouts } from '../../machines/index.js';
import { AppError } from '../../protocol/errors.js';
import type { ServeConfig } from '../config.js';

type Bounds = Pick<
  ServeConfig,
  'inviteTimeoutMs' | 'roundTimeoutMs' | 'minSessionTimeoutMs' | 'maxSessionTimeoutMs'
>;

/**
 * The deadlines of a new session: the server defaults, or the coordinator's overrides within
 * `--min-session-timeout-ms` .. `--max-session-timeout-ms` (BAD_REQUEST naming the bound).
 */
export function resolveTimeouts(
  config: Bounds,
  overrides: { inviteMs?: number | undefined; roundMs?: number | undefined } | undefined,
): Timeouts {
  for (const key of ['inviteMs', 'roundMs'] as const) {
    const ms = overrides?.[key];
    if (ms === undefined) continue;
    if (ms < config.minSessionTimeoutMs) {
      throw new AppError(
        'BAD_REQUEST',
        `timeouts.${key} ${ms} is below the minimum of ${config.minSessionTimeoutMs} ms ` +
          '(--min-session-timeout-ms)',
      );
    }
    if (ms > config.maxSessionTimeoutMs) {
      throw new AppError(
        'BAD_REQUEST',
        `timeouts.${key} ${ms} is above the maximum of ${config.maxSessionTimeoutMs} ms ` +
          '(--max-session-timeout-ms)',
      );
    }
  }
  return {
    inviteMs: overrides?.inviteMs ?? config.inviteTimeoutMs,
    roundMs: overrides?.roundMs ?? config.roundTimeoutMs,
  };
}
