import { SigSocketError } from '../protocol/errors.js';

/**
 * Polls `check` until it returns true, or fails after `limitMs` naming `what`. A check that
 * throws counts as not yet (e.g. a server still starting); its last error is reported if time
 * runs out.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what = 'condition',
  limitMs = 10_000,
): Promise<void> {
  const until = Date.now() + limitMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > until) {
      const why = lastError ? `: ${(lastError as Error).message}` : '';
      throw new SigSocketError('WAIT_TIMED_OUT', `timed out waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
