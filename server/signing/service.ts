import { isSignatureEncoding } from '../../protocol/ecdsa/signature.js';
import type { SignatureVerifier } from '../../protocol/ecdsa/verifier.js';
import { AppError, type ErrorCode } from '../../protocol/errors.js';
import type { Principal } from '../../protocol/identity.js';
import { isProofChallenge, PROOF_PREFIX, proofChallenge } from '../../protocol/legacy.js';
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import type { ServeConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { AuditBatcher } from '../audit-batcher.js';
import type { SignerConnection } from './connection.js';
import { effectiveTimeoutMs, maxMessageBytes } from './limits.js';
import { SignWait, type PendingRequest, type SignOutcome } from './pending.js';
import { PublicKeyNormaliser } from './public-key.js';
import type { SignerRegistry } from './registry.js';
import { inlineVerifier, type AsyncVerifier } from './verify-thread.js';

export interface SignRequestOptions {
  /** Wait at most this long (default and cap from config). */
  timeoutMs?: number | undefined;
  /** Who asks (for the audit log); undefined when `--sign-auth off` lets anyone ask. */
  actor?: Principal | undefined;
  /** Which door the request came through, for the audit log. */
  via: 'http' | 'trpc' | 'internal';
}

export interface SignResult {
  message: Uint8Array;
  /** As the signer sent it (compact or DER, either S), verified. */
  signature: Uint8Array;
}

export interface SignerStatus {
  /** Registered signer connections (legacy + typed). */
  connections: number;
  /** Distinct public keys with at least one connection. */
  signers: number;
  /** Sign requests waiting for an answer. */
  pending: number;
  legacy: number;
  typed: number;
  /** The URL whose origin proof challenges carry (`--public-url`, or where the server listens). */
  publicUrl: string;
  /** `--legacy-proof`: whether legacy signers must prove possession of their key. */
  legacyProof: boolean;
  /** Codes of risky settings in force (`legacy-proof-off`); empty when there are none. */
  warnings: string[];
}

const PROOF_FIRST_BYTE = PROOF_PREFIX.charCodeAt(0);

/** Logged once at start and shown in /status (as `legacy-proof-off`) with `--legacy-proof off`. */
export const LEGACY_PROOF_OFF_WARNING =
  'legacy proof of possession is off: any client that knows a public key can take its route';

export interface SigningServiceDeps {
  config: ServeConfig;
  metrics: Metrics;
  logger: Logger;
  sqlite: Database.Database;
  clock: Clock;
  /** Live signer connections by public key. */
  registry: SignerRegistry;
  /** For proofs of possession (rare, synchronous). */
  verifier: SignatureVerifier;
  /** For sign responses (the hot path); defaults to `verifier`, inline. */
  responseVerifier?: AsyncVerifier;
}

/**
 * Single-key remote signing (docs/signing.md): routes a request for key P to P's newest signer
 * connection, waits (bounded per connection, with a timeout), verifies ECDSA over
 * SHA-256(message) and returns the signature, or fails with a typed AppError. Every request
 * is counted in the metrics and written to the audit log (key and sizes only).
 */
export class SigningService {
  readonly registry: SignerRegistry;
  readonly verifier: SignatureVerifier;
  readonly responseVerifier: AsyncVerifier;
  readonly maxMessageBytes: number;
  private readonly keys = new PublicKeyNormaliser();
  private readonly audit: AuditBatcher;
  /** Typed signers answer by request id; legacy ones by echo (see SignerConnection). */
  private readonly byId = new Map<string, SignerConnection>();
  private readonly outcomeCounters = new Map<string, { inc(): void }>();
  private closed = false;
  private listeningUrl: string | undefined;

  constructor(private readonly deps: SigningServiceDeps) {
    this.registry = deps.registry;
    this.verifier = deps.verifier;
    this.responseVerifier = deps.responseVerifier ?? inlineVerifier(deps.verifier);
    this.maxMessageBytes = maxMessageBytes(deps.config.maxFrameBytes);
    this.audit = new AuditBatcher(deps.sqlite, deps.clock, deps.logger);
  }

  /** Caller-supplied key (hex or base64, 33/65 bytes) → compressed hex; BAD_REQUEST otherwise. */
  normalisePublicKey(input: string): string {
    return this.keys.normalise(input);
  }

  /** Where the server is reached: `--public-url`, else the URL it listens on (set once, by app.ts). */
  setPublicUrl(url: string): void {
    this.listeningUrl = url;
    const host = new URL(url).hostname;
    if (host === '0.0.0.0' || host === '[::]')
      this.deps.logger.warn(
        { publicUrl: url },
        'proof challenges name a wildcard address: signers refuse them unless given that URL; set --public-url',
      );
  }

  get publicUrl(): string {
    if (this.listeningUrl === undefined)
      throw new Error('the signing service is used before the server listens');
    return this.listeningUrl;
  }

  /** A fresh proof-of-possession challenge bound to this server's origin (docs/signing.md). */
  proofChallenge(): Uint8Array {
    return proofChallenge(this.publicUrl);
  }

  status(): SignerStatus {
    const { legacyProof } = this.deps.config;
    return {
      ...this.registry.counts(),
      publicUrl: this.publicUrl,
      legacyProof,
      warnings: legacyProof ? [] : ['legacy-proof-off'],
    };
  }

  isConnected(publicKey: string): boolean {
    return this.registry.isConnected(publicKey);
  }

  /** True when `signature` proves possession of the key for this challenge. */
  verifyProof(publicKeyBytes: Uint8Array, challenge: Uint8Array, signature: Uint8Array): boolean {
    return this.verifier.verify(signature, challenge, publicKeyBytes);
  }

  register(connection: SignerConnection): void {
    this.registry.register(connection);
    this.deps.logger.info(
      { signer: connection.kind, publicKey: connection.publicKey, connection: connection.id },
      'signer registered',
    );
  }

  /** A signer connection went away: unregister it and fail its requests now. */
  connectionClosed(connection: SignerConnection, why = 'the signer disconnected'): void {
    if (!connection.isOpen) return;
    this.registry.unregister(connection);
    const left = connection.close();
    for (const request of left) {
      request.settle({
        ok: false,
        error: new AppError('SIGNER_DISCONNECTED', `${why} before answering`),
      });
    }
    this.deps.logger.info(
      {
        signer: connection.kind,
        publicKey: connection.publicKey,
        connection: connection.id,
        failed: left.length,
      },
      'signer unregistered',
    );
  }

  /**
   * Asks the holder of `publicKey` to sign `message`. Resolves with the verified signature;
   * rejects with AppError BAD_REQUEST, SIGNER_NOT_CONNECTED, TOO_MANY_PENDING, TIMEOUT,
   * INVALID_SIGNATURE, INVALID_RESPONSE, SIGNER_DISCONNECTED or SIGNER_REFUSED.
   */
  async requestSignature(
    publicKeyInput: string,
    message: Uint8Array,
    opts: SignRequestOptions,
  ): Promise<SignResult> {
    const started = performance.now();
    let publicKey: string | undefined;
    let kind: string | undefined;
    try {
      if (this.closed) throw new AppError('SIGNER_DISCONNECTED', 'the server is shutting down');
      publicKey = this.normalisePublicKey(publicKeyInput);
      this.checkMessage(message);
      const connection = this.registry.current(publicKey);
      if (!connection)
        throw new AppError(
          'SIGNER_NOT_CONNECTED',
          `no signer is connected for public key ${publicKey}`,
        );
      kind = connection.kind;
      const limit = this.deps.config.maxPendingPerSigner;
      if (connection.pendingCount >= limit) {
        throw new AppError(
          'TOO_MANY_PENDING',
          `the signer for ${publicKey} already has ${limit} requests in flight`,
        );
      }
      const signature = await this.dispatch(
        connection,
        message,
        effectiveTimeoutMs(opts.timeoutMs, this.deps.config),
      );
      this.deps.metrics.signLatency.observe((performance.now() - started) / 1000);
      this.recordOutcome('ok', opts, publicKey, message, kind);
      return { message, signature };
    } catch (err) {
      const code: ErrorCode = err instanceof AppError ? err.code : 'INTERNAL';
      this.recordOutcome(code, opts, publicKey, message, kind);
      throw err;
    }
  }

  private checkMessage(message: Uint8Array): void {
    if (message.length === 0) throw new AppError('BAD_REQUEST', 'message must not be empty');
    if (message.length > this.maxMessageBytes) {
      throw new AppError(
        'BAD_REQUEST',
        `message is ${message.length} bytes; at most ${this.maxMessageBytes} bytes can be signed`,
      );
    }
    // The first byte first: isProofChallenge makes a Buffer view, per request otherwise.
    if (message[0] === PROOF_FIRST_BYTE && isProofChallenge(message)) {
      // Else a caller could have a connected signer sign another connection's challenge.
      throw new AppError(
        'BAD_REQUEST',
        `messages beginning with "${PROOF_PREFIX}" are reserved for proofs of possession`,
      );
    }
  }

  private dispatch(
    connection: SignerConnection,
    message: Uint8Array,
    timeoutMs: number,
  ): Promise<Uint8Array> {
    const typed = connection.kind === 'typed';
    const request = new SignWait(message, timeoutMs, connection, typed ? this.byId : undefined);
    if (typed) this.byId.set(request.id, connection);
    try {
      connection.send(request);
    } catch (err) {
      request.cancel();
      throw err;
    }
    return request.done;
  }

  /**
   * A signer's answer to `request` (already taken off its connection): verified against the
   * connection's key, then settled. Returns the outcome so the adapter can tell the signer.
   */
  async answer(
    connection: SignerConnection,
    request: PendingRequest,
    signature: Uint8Array,
  ): Promise<SignOutcome> {
    let outcome: SignOutcome;
    if (await this.responseVerifier.verify(signature, request.message, connection.publicKeyBytes)) {
      outcome = { ok: true, signature };
    } else if (isSignatureEncoding(signature)) {
      outcome = {
        ok: false,
        error: new AppError(
          'INVALID_SIGNATURE',
          `the signature does not verify against public key ${connection.publicKey}`,
        ),
      };
    } else {
      outcome = {
        ok: false,
        error: new AppError(
          'INVALID_RESPONSE',
          `the signer sent ${signature.length} bytes that are neither a 64-byte compact nor a DER signature`,
        ),
      };
    }
    request.settle(outcome);
    if (!outcome.ok) this.countBadAnswer(connection);
    return outcome;
  }

  /**
   * An answer failed verification (the request has its error already). After
   * `--legacy-max-bad-answers` of them the connection is unregistered, so the key's previous
   * holder serves again, its other requests fail with SIGNER_DISCONNECTED, and the adapter
   * closes it (docs/signing.md, "Bad answers").
   */
  private countBadAnswer(connection: SignerConnection): void {
    if (!connection.isOpen) return;
    const bad = connection.recordBadAnswer();
    const limit = this.deps.config.legacyMaxBadAnswers;
    const where = { signer: connection.kind, publicKey: connection.publicKey, badAnswers: bad };
    this.deps.logger.warn(
      { ...where, connection: connection.id },
      'sign answer failed verification',
    );
    if (bad < limit) return;
    this.connectionClosed(connection, 'the signer was disconnected for bad answers');
    connection.evict(`${bad} sign answers failed verification`);
  }

  /** The key holder declined (typed signers only: the legacy protocol cannot say no). */
  refuse(request: PendingRequest, reason: string): void {
    request.settle({
      ok: false,
      error: new AppError('SIGNER_REFUSED', `the signer refused: ${reason}`),
    });
  }

  /** The typed connection and request for a request id, if `owner` attached that signer. */
  takeTypedRequest(
    id: string,
    owner: string,
  ): { connection: SignerConnection; request: PendingRequest } | undefined {
    const connection = this.byId.get(id);
    if (!connection || connection.owner !== owner) return undefined;
    const request = connection.takeById(id);
    return request ? { connection, request } : undefined;
  }

  /** The counter of one outcome, its labels hashed once rather than on every request. */
  private outcomeCounter(outcome: string): { inc(): void } {
    let counter = this.outcomeCounters.get(outcome);
    if (!counter) {
      counter = this.deps.metrics.signRequests.labels({ outcome });
      this.outcomeCounters.set(outcome, counter);
    }
    return counter;
  }

  private recordOutcome(
    outcome: string,
    opts: SignRequestOptions,
    publicKey: string | undefined,
    message: Uint8Array,
    signer: string | undefined,
  ): void {
    this.outcomeCounter(outcome).inc();
    if (outcome !== 'ok') {
      this.deps.logger.debug(
        { outcome, publicKey, messageBytes: message.length, via: opts.via },
        'sign request failed',
      );
    }
    if (this.closed) return;
    this.audit.record({
      at: this.deps.clock(),
      actor: opts.actor?.sub ?? 'anonymous',
      role: opts.actor?.role ?? 'none',
      action: 'sign_request',
      outcome,
      detail: {
        publicKey: publicKey ?? null,
        messageBytes: message.length,
        signer: signer ?? null,
        via: opts.via,
      },
    });
  }

  /**
   * Shutdown (after the adapters closed their attachments): fail every pending request,
   * unregister everyone, write the audit log out.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const connection of this.registry.all())
      this.connectionClosed(connection, 'the server shut down');
    await new Promise((resolve) => setImmediate(resolve)); // let the failed requests record their outcome
    this.closed = true;
    this.audit.flush();
    await this.responseVerifier.close();
  }
}
