/**
 * Keeps a WebSocket's token fresh (docs/sessions.md, Authorisation): the server ends every
 * subscription of a connection when the token that connection presented expires, unless a newer
 * token is sent on it with `auth.refresh`. When the client's `token` option is a function, it
 * is called again a little before the token in use expires (a third of its remaining life, at
 * most 30 s before); a token it returns that expires later is sent on the open socket.
 *
 * @module
 */

/** The `exp` of a JWT in epoch ms, read without verifying (the server verifies); or undefined. */
export function tokenExpiresAt(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Longest lead before expiry at which a refresh is attempted. */
const MAX_LEAD_MS = 30_000;
/** Retry interval when the token function gave nothing newer or the refresh failed. */
const RETRY_MS = 1_000;

/** How long to wait before refreshing a token that expires at `expiresAt`. */
export function refreshDelayMs(expiresAt: number, now: number): number {
  const left = expiresAt - now;
  return Math.max(0, left - Math.min(MAX_LEAD_MS, left / 3));
}

export interface TokenRefresherOptions {
  /** The client's token function: asked again when a refresh is due. */
  token: () => string | undefined | Promise<string | undefined>;
  /** Sends `auth.refresh` with the new token on the open socket. */
  refresh: (token: string) => Promise<unknown>;
  now?: () => number;
}

/** One per WebSocket client: told what token each connection presented and when it closes. */
export class TokenRefresher {
  private current: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: TokenRefresherOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** A connection presented `token` (its connectionParams); refresh it before it expires. */
  presented(token: string | undefined): void {
    this.current = token;
    this.schedule();
  }

  /** The connection closed: nothing to refresh until the next one presents a token. */
  closed(): void {
    this.current = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs?: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const expiresAt = this.current ? tokenExpiresAt(this.current) : undefined;
    if (expiresAt === undefined || expiresAt <= this.now()) return;
    const delay = delayMs ?? refreshDelayMs(expiresAt, this.now());
    this.timer = setTimeout(() => void this.due(expiresAt), delay);
    this.timer.unref?.();
  }

  private async due(expiresAt: number): Promise<void> {
    const presented = this.current;
    try {
      const next = await this.opts.token();
      const nextExpiresAt = next ? tokenExpiresAt(next) : undefined;
      if (next && nextExpiresAt !== undefined && nextExpiresAt > expiresAt) {
        await this.opts.refresh(next);
        // Unless the socket closed or reconnected (with a token of its own) meanwhile.
        if (this.current === presented && presented !== undefined) this.presented(next);
        return;
      }
    } catch {
      // Refused or not sent (the socket may be reconnecting): try again shortly.
    }
    if (this.current === presented) this.schedule(RETRY_MS);
  }
}
