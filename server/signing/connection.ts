import { randomUUID } from 'node:crypto';
import type { PendingRequest } from './pending.js';

export type SignerKind = 'legacy' | 'typed';

/** How the service reaches the signer behind a connection; the adapter's business. */
export interface SignerTransport {
  /** Hands a request to the signer. */
  deliver(request: PendingRequest): void;
  /**
   * Ends the connection from the server's side, after the service has unregistered it
   * (legacy: close code 4403; typed: the attach stream fails). `why` is one sentence.
   */
  evict(why: string): void;
}

/**
 * One registered signer connection (a legacy /ws socket or a typed tRPC attachment) and the
 * requests in flight on it. Its transport hands requests to the signer; how they travel is
 * the adapter's business (SignerTransport). Legacy signers answer by echoing the message, so requests are also
 * indexed by message, first-in first-out for identical messages.
 */
export class SignerConnection {
  readonly id = randomUUID();
  private readonly pending = new Map<string, PendingRequest>();
  private readonly byMessage = new Map<string, PendingRequest[]>();
  private open = true;
  private badAnswers = 0;

  constructor(
    readonly kind: SignerKind,
    /** Compressed hex. */
    readonly publicKey: string,
    /** SEC1 bytes handed to the verifier. */
    readonly publicKeyBytes: Uint8Array,
    private readonly transport: SignerTransport,
    /** Who attached it (typed signers: the token's sub); only they may answer. */
    readonly owner?: string,
  ) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Records the request and sends it to the signer. */
  send(request: PendingRequest): void {
    this.pending.set(request.id, request);
    if (this.kind === 'legacy') {
      const queue = this.byMessage.get(request.messageKey);
      if (queue) queue.push(request);
      else this.byMessage.set(request.messageKey, [request]);
    }
    this.transport.deliver(request);
  }

  /** True when a request for this (canonical base64) message is pending. */
  hasMessage(messageKey: string): boolean {
    return this.byMessage.has(messageKey);
  }

  /** The oldest pending request for this (canonical base64) message, removed. */
  takeByMessage(messageKey: string): PendingRequest | undefined {
    const queue = this.byMessage.get(messageKey);
    const request = queue?.shift();
    if (!request) return undefined;
    if (queue!.length === 0) this.byMessage.delete(messageKey);
    this.pending.delete(request.id);
    return request;
  }

  /** The pending request with this id, removed. */
  takeById(id: string): PendingRequest | undefined {
    const request = this.pending.get(id);
    if (request) this.forget(request);
    return request;
  }

  /** Drops a request that was settled elsewhere (timeout). */
  forget(request: PendingRequest): void {
    if (!this.pending.delete(request.id)) return;
    const queue = this.byMessage.get(request.messageKey);
    if (!queue) return;
    const at = queue.indexOf(request);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) this.byMessage.delete(request.messageKey);
  }

  /** Counts one answer that failed verification; returns how many so far. */
  recordBadAnswer(): number {
    return ++this.badAnswers;
  }

  /** Closes the signer's side (see SignerTransport.evict). */
  evict(why: string): void {
    this.transport.evict(why);
  }

  /** Marks the connection closed and returns what was still pending (to fail at once). */
  close(): PendingRequest[] {
    this.open = false;
    const left = [...this.pending.values()];
    this.pending.clear();
    this.byMessage.clear();
    return left;
  }
}
