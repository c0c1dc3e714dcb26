import type { TRPCError } from '@trpc/server';
import { AppError } from '../../protocol/errors.js';

/**
 * The `Retry-After` header (seconds) of a tRPC HTTP answer that holds a RATE_LIMITED refusal
 * (docs/reliability.md, "Limits"): the longest `details.retryAfterMs` of its errors, rounded up.
 * For `responseMeta` of tRPC's HTTP handler.
 */
export function retryAfterHeader(errors: readonly TRPCError[]): {
  headers?: Record<string, string>;
} {
  let ms = 0;
  for (const e of errors) {
    if (!(e.cause instanceof AppError) || e.cause.code !== 'RATE_LIMITED') continue;
    const after = e.cause.details?.['retryAfterMs'];
    if (typeof after === 'number') ms = Math.max(ms, after);
  }
  return ms > 0 ? { headers: { 'retry-after': String(Math.ceil(ms / 1000)) } } : {};
}
