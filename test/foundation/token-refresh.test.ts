/**
 * The client's token refresh (client/token-refresh.ts) on its own: reading `exp` without
 * verifying, when a refresh is due, and that only a token expiring later is sent.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { issueToken } from '../../server/auth/jwt.js';
import { refreshDelayMs, TokenRefresher, tokenExpiresAt } from '../../client/token-refresh.js';

const secret = new Uint8Array(32).fill(3);
const tokenFor = (ttl: string) => issueToken(secret, { sub: 'alice', role: 'participant', ttl });

afterEach(() => {
  vi.useRealTimers();
});

describe('token refresh', () => {
  it('reads exp from a JWT, and nothing from what is not one', async () => {
    const before = Date.now();
    const exp = tokenExpiresAt(await tokenFor('60s'))!;
    expect(exp).toBeGreaterThan(before + 58_000);
    expect(exp).toBeLessThanOrEqual(before + 61_000);
    for (const junk of [
      '',
      'abc',
      'a.b.c',
      'a.' + Buffer.from('{"exp":"x"}').toString('base64url') + '.c',
    ]) {
      expect(tokenExpiresAt(junk)).toBeUndefined();
    }
  });

  it('is due a third of the remaining life before expiry, at most 30 s before', () => {
    expect(refreshDelayMs(9_000, 0)).toBe(6_000);
    expect(refreshDelayMs(3_600_000, 0)).toBe(3_570_000);
    expect(refreshDelayMs(100, 200)).toBe(0);
  });

  it('sends a newer token before the old one expires, and retries while it gets nothing newer', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    const first = await tokenFor('9s');
    let offered = first;
    const sent: string[] = [];
    const refresher = new TokenRefresher({
      token: () => offered,
      refresh: async (t) => {
        sent.push(t);
      },
    });
    refresher.presented(first);
    await vi.advanceTimersByTimeAsync(6_000); // due; the function still gives the same token
    expect(sent).toEqual([]);
    offered = await tokenFor('20s');
    await vi.advanceTimersByTimeAsync(1_000); // the retry
    expect(sent).toEqual([offered]);
    refresher.closed();
    offered = await tokenFor('60s');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(1); // nothing is refreshed on a closed socket
  });
});
