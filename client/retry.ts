import { SigSocketError } from '../protocol/errors.js';
import { reconnectDelayMs } from './trpc.js';

/** The caller's AbortSignal fired: the wait or retry loop ended on request, not on failure. */
export class StoppedError extends SigSocketError<'STOPPED'> {
  constructor() {
    super('STOPPED', 'stopped');
  }
}

/** Resolves after `ms`, or rejects with StoppedError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new StoppedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new StoppedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `fn` until it succeeds or fails with an error `isTransient` does not accept (or
 * `maxAttempts` is reached), waiting with the client's reconnect backoff in between. Rejects
 * with StoppedError once `signal` aborts.
 */
export async function retryTransient<T>(
  fn: () => Promise<T>,
  isTransient: (err: unknown) => boolean,
  opts: {
    signal?: AbortSignal;
    /** Give up (rethrow) after this many failed attempts; default: never. */
    maxAttempts?: number;
    onRetry?: (err: unknown, attempt: number) => void;
  } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw new StoppedError();
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err) || attempt >= (opts.maxAttempts ?? Infinity)) throw err;
      opts.onRetry?.(err, attempt);
      await sleep(reconnectDelayMs(attempt), opts.signal);
    }
  }
}

/** `value`, or a rejection with StoppedError as soon as `signal` aborts. */
export function abortable<T>(value: T | Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new StoppedError());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(value)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
