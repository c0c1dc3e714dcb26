import { parsePublicKey } from '../../protocol/encoding.js';
import { AppError } from '../../protocol/errors.js';

/**
 * Normalises public keys given by callers (hex or base64, compressed or not) to compressed
 * hex. Parsing checks the point is on the curve, which in pure JS costs a square root
 * (~0.2 ms); callers name the same few keys over and over, so results are cached (bounded:
 * the cache is emptied when it fills up).
 */
export class PublicKeyNormaliser {
  private readonly cache = new Map<string, string>();

  constructor(private readonly maxEntries = 10_000) {}

  normalise(input: string, field = 'public key'): string {
    const hit = this.cache.get(input);
    if (hit) return hit;
    let key: string;
    try {
      key = parsePublicKey(input);
    } catch (err) {
      throw new AppError('BAD_REQUEST', `invalid ${field}: ${(err as Error).message}`);
    }
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(input, key);
    return key;
  }
}
