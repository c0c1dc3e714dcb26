import { AppError } from '../../protocol/errors.js';
import type { Principal } from '../../protocol/identity.js';
import type { AuthHolder } from '../auth/authenticate.js';
import type { Clock } from '../clock.js';

/**
 * Every subscription, in one place (docs/sessions.md, Subscriptions): counted against
 * `--max-subscriptions-per-connection` and `--max-subscriptions-per-principal` before any work,
 * released however it ends, and ended with UNAUTHORIZED "token expired" when the token of its
 * connection expires — unless `auth.refresh` replaced that token in time. One timer per
 * subscription, armed for the token's expiry; when it fires it re-reads the connection's token.
 *
 * @module
 */

/** Subscriptions open server-wide, per principal (token sub) and per connection. */
export class SubscriptionLimits {
  private readonly perPrincipal = new Map<string, number>();

  constructor(private readonly limits: { perConnection: number; perPrincipal: number }) {}

  /** The counter of one WebSocket connection. */
  forConnection(): ConnectionSubscriptions {
    let open = 0;
    return {
      acquire: (sub) => {
        if (open >= this.limits.perConnection) {
          throw tooMany(`${this.limits.perConnection} subscriptions on one connection`, {
            limit: this.limits.perConnection,
            scope: 'connection',
          });
        }
        const release = this.acquire(sub);
        open++;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          open--;
          release();
        };
      },
      get open() {
        return open;
      },
    };
  }

  /** Open subscriptions of `sub`, over all its connections. */
  openOf(sub: string): number {
    return this.perPrincipal.get(sub) ?? 0;
  }

  private acquire(sub: string): () => void {
    const held = this.openOf(sub);
    if (held >= this.limits.perPrincipal) {
      throw tooMany(`${this.limits.perPrincipal} subscriptions of ${sub}`, {
        limit: this.limits.perPrincipal,
        scope: 'principal',
      });
    }
    this.perPrincipal.set(sub, held + 1);
    return () => {
      const left = this.openOf(sub) - 1;
      if (left > 0) this.perPrincipal.set(sub, left);
      else this.perPrincipal.delete(sub);
    };
  }
}

function tooMany(what: string, details: Record<string, unknown>): AppError {
  return new AppError('TOO_MANY_SUBSCRIPTIONS', `too many subscriptions: at most ${what}`, details);
}

/** The subscriptions of one connection. */
export interface ConnectionSubscriptions {
  /** Takes a slot for `sub` (AppError TOO_MANY_SUBSCRIPTIONS); returns its release (idempotent). */
  acquire(sub: string): () => void;
  readonly open: number;
}

/** What the guard needs to know of the caller of a subscription. */
export interface SubscriptionCaller {
  principal: Principal;
  /** The connection's token, which `auth.refresh` may replace. */
  auth: AuthHolder;
  clock: Clock;
  /** The connection's counter; absent over HTTP, where subscriptions are not served. */
  subscriptions: ConnectionSubscriptions | undefined;
}

/**
 * Runs a subscription procedure (`next`) under the limits and the token's expiry. `toError`
 * turns an AppError into what the transport throws (the TRPCError of server/trpc/init.ts).
 */
export async function guardSubscription<R extends { ok: boolean }>(
  caller: SubscriptionCaller,
  next: () => Promise<R>,
  toError: (err: AppError) => unknown,
): Promise<R> {
  const { subscriptions } = caller;
  if (!subscriptions) {
    throw toError(
      new AppError('BAD_REQUEST', 'subscriptions are served only over the WebSocket (/trpc)'),
    );
  }
  let release: () => void;
  try {
    release = subscriptions.acquire(caller.principal.sub);
  } catch (err) {
    throw err instanceof AppError ? toError(err) : err;
  }
  let result: R;
  try {
    result = await next();
  } catch (err) {
    release();
    throw err;
  }
  const data = (result as { data?: unknown }).data;
  if (!result.ok || !isAsyncIterable(data)) {
    release();
    return result;
  }
  const stream = new ExpiringStream(data, {
    auth: caller.auth,
    clock: caller.clock,
    release,
    toError,
  });
  return { ...result, data: stream };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** setTimeout's largest delay (about 24.8 days); a later expiry re-arms when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * An async iterator over `inner` that ends with UNAUTHORIZED once the token expires, and
 * releases its slot exactly once, whichever way it ends (done, error, expiry, `return()` —
 * also when it was never started: tRPC calls `return()` then).
 */
class ExpiringStream<T> implements AsyncIterableIterator<T> {
  private readonly inner: AsyncIterator<T>;
  /** Wakes the `next()` in progress when the token expires (a fresh promise per call). */
  private wake: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private expired = false;
  private ended = false;

  constructor(
    iterable: AsyncIterable<T>,
    private readonly opts: {
      auth: AuthHolder;
      clock: Clock;
      release(): void;
      toError(err: AppError): unknown;
    },
  ) {
    this.inner = iterable[Symbol.asyncIterator]();
    this.arm();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.ended) return { done: true, value: undefined };
    if (this.expired) return this.fail();
    let step: IteratorResult<T> | 'expired';
    try {
      // Racing one long-lived promise would leave a reaction on it per event, holding every
      // event until expiry (never, with auth.refresh): each call races its own.
      const expired = new Promise<'expired'>((resolve) => (this.wake = () => resolve('expired')));
      step = await Promise.race([this.inner.next(), expired]);
    } catch (err) {
      this.end();
      throw err;
    }
    this.wake = undefined;
    if (step === 'expired') return this.fail();
    if (step.done) this.end();
    return step;
  }

  async return(): Promise<IteratorResult<T>> {
    this.end();
    return { done: true, value: undefined };
  }

  /** Arms the timer for the connection's current token; expires it if that has passed. */
  private arm(): void {
    if (this.ended) return;
    const auth = this.opts.auth.current;
    const left = auth.kind === 'ok' ? auth.expiresAt - this.opts.clock() : 0;
    if (left <= 0) {
      this.expired = true;
      this.wake?.();
      return;
    }
    this.timer = setTimeout(() => this.arm(), Math.min(left, MAX_TIMER_MS));
  }

  private fail(): never {
    this.end();
    throw this.opts.toError(new AppError('UNAUTHORIZED', 'token expired'));
  }

  /**
   * Stops the timer, frees the slot, and ends `inner` without waiting: it may be parked on a
   * read that only the subscription's abort signal (which tRPC raises next) wakes.
   */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.opts.release();
    void Promise.resolve()
      .then(() => this.inner.return?.())
      .catch(() => {});
  }
}
