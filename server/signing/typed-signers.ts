import { randomBytes } from 'node:crypto';
import { AppError } from '../../protocol/errors.js';
import type { Principal } from '../../protocol/identity.js';
import { base64Encode } from '../../protocol/encoding.js';
import type { AttachEvent } from '../../protocol/signer-schemas.js';
import { SignerConnection } from './connection.js';
import type { PendingRequest } from './pending.js';
import type { SigningService } from './service.js';

/** Attachments one principal may hold at once (proving or attached). */
export const MAX_ATTACHMENTS_PER_OWNER = 64;

type Item = { type: 'attached' } | { type: 'request'; request: PendingRequest };

/**
 * One `signer.attach` subscription: it first yields a challenge, the signer proves possession
 * of its key with `signer.prove`, and from then on the subscription carries sign requests.
 * The queue needs no extra bound: every queued request is a pending request, and those are
 * capped per connection (`maxPendingPerSigner`).
 */
export class Attachment {
  readonly id = randomBytes(16).toString('base64url');
  readonly challenge: Uint8Array;
  private state: 'proving' | 'attached' | 'closed' = 'proving';
  private readonly queue: Item[] = [];
  private wake: (() => void) | undefined;
  private failure: AppError | undefined;
  private connection: SignerConnection | undefined;
  private readonly proofTimer: NodeJS.Timeout;

  constructor(
    readonly owner: Principal,
    readonly publicKey: string,
    private readonly signing: SigningService,
    proofTimeoutMs: number,
    private readonly onClose: (a: Attachment) => void,
  ) {
    this.challenge = signing.proofChallenge();
    this.proofTimer = setTimeout(
      () =>
        this.fail(
          new AppError('UNAUTHORIZED', `no proof of possession within ${proofTimeoutMs} ms`),
        ),
      proofTimeoutMs,
    );
  }

  get isProving(): boolean {
    return this.state === 'proving';
  }

  /** The stream the subscription yields; ends when the attachment closes. */
  async *events(): AsyncGenerator<AttachEvent> {
    yield { type: 'challenge', attachId: this.id, challenge: base64Encode(this.challenge) };
    for (;;) {
      const item = this.queue.shift();
      if (item?.type === 'attached') yield { type: 'attached', publicKey: this.publicKey };
      else if (item?.type === 'request') {
        if (!item.request.settled)
          yield { type: 'request', requestId: item.request.id, message: item.request.messageKey };
      } else if (this.failure) throw this.failure;
      else if (this.state === 'closed') return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private push(item: Item): void {
    this.queue.push(item);
    this.wake?.();
    this.wake = undefined;
  }

  /** Checks the proof; on success registers the signer. Throws (and ends the stream) if bad. */
  prove(signature: Uint8Array): void {
    if (this.state !== 'proving')
      throw new AppError('CONFLICT', 'this attachment is already proven or closed');
    const key = Buffer.from(this.publicKey, 'hex');
    if (!this.signing.verifyProof(key, this.challenge, signature)) {
      const error = new AppError(
        'INVALID_SIGNATURE',
        `proof of possession failed: the signature does not verify against ${this.publicKey}`,
      );
      this.fail(new AppError('UNAUTHORIZED', error.message));
      throw error;
    }
    clearTimeout(this.proofTimer);
    this.state = 'attached';
    this.connection = new SignerConnection(
      'typed',
      this.publicKey,
      key,
      {
        deliver: (request) => this.push({ type: 'request', request }),
        evict: (why) => this.fail(new AppError('INVALID_SIGNATURE', `${why}: signer detached`)),
      },
      this.owner.sub,
    );
    this.signing.register(this.connection);
    this.push({ type: 'attached' });
  }

  private fail(error: AppError): void {
    if (this.state === 'closed') return;
    this.failure = error;
    this.close();
  }

  /** Unsubscribed, disconnected or shut down: unregister and fail what is pending. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.proofTimer);
    if (this.connection) this.signing.connectionClosed(this.connection);
    this.onClose(this);
    this.wake?.();
    this.wake = undefined;
  }
}

/** The typed signers' attachments, by id. */
export class TypedSigners {
  private readonly attachments = new Map<string, Attachment>();
  private readonly perOwner = new Map<string, number>();

  constructor(
    private readonly signing: SigningService,
    private readonly proofTimeoutMs: number,
  ) {}

  open(owner: Principal, publicKeyInput: string): Attachment {
    const publicKey = this.signing.normalisePublicKey(publicKeyInput);
    const held = this.perOwner.get(owner.sub) ?? 0;
    if (held >= MAX_ATTACHMENTS_PER_OWNER) {
      throw new AppError(
        'TOO_MANY_PENDING',
        `${owner.sub} already holds ${held} signer attachments`,
      );
    }
    const attachment = new Attachment(owner, publicKey, this.signing, this.proofTimeoutMs, (a) => {
      this.attachments.delete(a.id);
      const left = (this.perOwner.get(a.owner.sub) ?? 1) - 1;
      if (left > 0) this.perOwner.set(a.owner.sub, left);
      else this.perOwner.delete(a.owner.sub);
    });
    this.attachments.set(attachment.id, attachment);
    this.perOwner.set(owner.sub, held + 1);
    return attachment;
  }

  prove(owner: Principal, attachId: string, signature: Uint8Array): void {
    const attachment = this.attachments.get(attachId);
    if (!attachment || attachment.owner.sub !== owner.sub) {
      throw new AppError('NOT_FOUND', 'no such signer attachment (it may have ended)');
    }
    attachment.prove(signature);
  }

  /** A typed signer's answer: a signature (verified) or a refusal. */
  async respond(
    owner: Principal,
    requestId: string,
    answer: { signature: Uint8Array } | { refuse: { reason: string } },
  ): Promise<'ok' | 'refused'> {
    const found = this.signing.takeTypedRequest(requestId, owner.sub);
    if (!found)
      throw new AppError(
        'NOT_FOUND',
        'no pending request with this id for you (it may have timed out)',
      );
    if ('refuse' in answer) {
      this.signing.refuse(found.request, answer.refuse.reason);
      return 'refused';
    }
    const outcome = await this.signing.answer(found.connection, found.request, answer.signature);
    if (!outcome.ok) throw outcome.error;
    return 'ok';
  }

  closeAll(): void {
    for (const attachment of [...this.attachments.values()]) attachment.close();
  }
}
