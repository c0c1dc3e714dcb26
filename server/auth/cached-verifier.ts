import type { Clock } from '../clock.js';
import type { TokenVerifier, VerifiedToken } from './jwt.js';

/**
 * Remembers tokens that verified, until they expire: a signature check costs ~0.15 ms, which
 * at thousands of POST /sign per second would be a large share of the work, and callers send
 * the same token again and again. Failures are not cached. Bounded: emptied when full.
 */
export function cachedTokenVerifier(
  verify: TokenVerifier,
  clock: Clock,
  maxEntries = 1000,
): TokenVerifier {
  const cache = new Map<string, VerifiedToken>();
  return async (token) => {
    const hit = cache.get(token);
    if (hit && hit.exp * 1000 > clock()) return hit;
    if (hit) cache.delete(token);
    const verified = await verify(token);
    if (cache.size >= maxEntries) cache.clear();
    cache.set(token, verified);
    return verified;
  };
}
