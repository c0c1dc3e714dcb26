import { randomUUID } from 'node:crypto';
import { AppError } from '../../protocol/errors.js';
import { base64Encode } from '../../protocol/encoding.js';

/** What a signer answered for one request, after verification. */
export type SignOutcome = { ok: true; signature: Uint8Array } | { ok: false; error: AppError };

/** One sign request waiting for its signer. */
export interface PendingRequest {
  /** Random, unguessable; typed signers answer by it. */
  readonly id: string;
  readonly message: Uint8Array;
  /** Canonical base64 of the message: the legacy wire form and the echo-matching key. */
  readonly messageKey: string;
  /** Settles the request once (later calls are ignored). */
  settle(outcome: SignOutcome): void;
  readonly settled: boolean;
}

/** Where a request waits for its answer (a SignerConnection). */
export interface RequestHolder {
  /** Drops a request that was settled elsewhere (its timeout). */
  forget(request: PendingRequest): void;
}

/**
 * A request in flight with its deadline: the promise the caller awaits settles once, on the
 * signer's verified answer, a failure, or the timeout. One object per request, its methods on
 * the prototype and itself the timer's argument, so a request allocates no closure but the
 * promise's executor (docs/performance.md, "legacy-signing").
 */
export class SignWait implements PendingRequest {
  readonly id = randomUUID();
  readonly messageKey: string;
  private isSettled = false;
  readonly done: Promise<Uint8Array>;
  private resolve!: (signature: Uint8Array) => void;
  private reject!: (error: AppError) => void;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly message: Uint8Array,
    readonly timeoutMs: number,
    /** Forgets the request when it times out. */
    private readonly holder: RequestHolder,
    /** An index by id the request leaves once settled (typed signers answer by id). */
    private readonly byId?: Map<string, unknown>,
  ) {
    this.messageKey = base64Encode(message);
    this.done = new Promise<Uint8Array>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setTimeout(timeOut, timeoutMs, this);
  }

  get settled(): boolean {
    return this.isSettled;
  }

  settle(outcome: SignOutcome): void {
    if (this.isSettled) return;
    this.isSettled = true;
    clearTimeout(this.timer);
    this.byId?.delete(this.id);
    if (outcome.ok) this.resolve(outcome.signature);
    else this.reject(outcome.error);
  }

  /** Stops waiting without settling: the request never reached its signer. */
  cancel(): void {
    this.isSettled = true;
    clearTimeout(this.timer);
    this.byId?.delete(this.id);
  }

  /** The timeout: forgotten by its holder, failed with TIMEOUT. */
  expire(): void {
    this.holder.forget(this);
    this.settle({
      ok: false,
      error: new AppError('TIMEOUT', `the signer did not answer within ${this.timeoutMs} ms`),
    });
  }
}

function timeOut(request: SignWait): void {
  request.expire();
}
