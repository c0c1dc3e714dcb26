import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { parseIntroduction, parseSignResponse } from '../../protocol/legacy.js';
import { base64Decode, base64Encode } from '../../protocol/encoding.js';
import type { ServeConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { SignerConnection } from './connection.js';
import type { SigningService } from './service.js';

/** Close codes of the legacy protocol (documented in docs/signing.md). */
export const LegacyClose = {
  /** Introduction missing, not text, or not a valid secp256k1 public key. */
  BAD_INTRODUCTION: 4400,
  /** The proof-of-possession answer did not verify (or did not come in time). */
  PROOF_FAILED: 4401,
  /** Too many protocol errors in a row (binary frames, malformed or unmatched responses). */
  PROTOCOL_ERRORS: 4402,
  /** `--legacy-max-bad-answers` sign answers failed verification (docs/signing.md, "Bad answers"). */
  BAD_ANSWERS: 4403,
} as const;

/** Consecutive protocol errors (no valid response in between) that close a connection. */
export const MAX_PROTOCOL_ERRORS = 5;

type ProtocolErrorKind =
  | 'binary_frame'
  | 'malformed_response'
  | 'unmatched_response'
  | 'oversized_frame'
  | 'invalid_frame';

interface Deps {
  config: ServeConfig;
  logger: Logger;
  metrics: Metrics;
  signing: SigningService;
}

/** Close reasons are limited to 123 bytes by RFC 6455. */
function reason(text: string): string {
  return Buffer.byteLength(text) <= 123
    ? text
    : Buffer.from(text).subarray(0, 120).toString('utf8') + '...';
}

/**
 * One legacy /ws connection, from introduction through proof of possession to serving sign
 * requests, with a ping/pong heartbeat all along.
 */
class LegacySession {
  private state: 'introducing' | 'proving' | 'serving' | 'closed' = 'introducing';
  private connection: SignerConnection | undefined;
  private challenge: Uint8Array | undefined;
  private publicKey: string | undefined;
  private errorsInARow = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout;
  private pongTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    private readonly ws: WebSocket,
    ip: string,
    private readonly deps: Deps,
  ) {
    this.log = deps.logger.child({ endpoint: '/ws', ip });
    const { heartbeatMs, heartbeatTimeoutMs, signTimeoutMs } = deps.config;
    this.heartbeat = setInterval(() => this.ping(heartbeatTimeoutMs), heartbeatMs);
    this.handshakeTimer = setTimeout(() => this.handshakeTimedOut(), signTimeoutMs);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => {
      clearTimeout(this.pongTimer);
      this.pongTimer = undefined;
    });
    ws.on('error', (err: Error & { code?: string }) => this.onSocketError(err));
    ws.on('close', () => this.onClose());
  }

  private ping(timeoutMs: number): void {
    if (this.pongTimer) return; // still waiting for the previous pong
    this.pongTimer = setTimeout(() => {
      this.log.info({ publicKey: this.publicKey }, 'no pong in time: terminating');
      this.ws.terminate();
    }, timeoutMs);
    this.ws.ping();
  }

  private handshakeTimedOut(): void {
    const ms = this.deps.config.signTimeoutMs;
    if (this.state === 'introducing')
      this.close(LegacyClose.BAD_INTRODUCTION, `no introduction within ${ms} ms`);
    else if (this.state === 'proving')
      this.close(LegacyClose.PROOF_FAILED, `no proof of possession within ${ms} ms`);
  }

  private close(code: number, why: string): void {
    if (this.state === 'closed') return;
    this.log.info({ code, reason: why, publicKey: this.publicKey }, 'closing legacy connection');
    this.ws.close(code, reason(why));
    this.onClose();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    const text = isBinary ? undefined : data.toString();
    switch (this.state) {
      case 'introducing':
        if (text === undefined)
          return this.close(
            LegacyClose.BAD_INTRODUCTION,
            'the introduction must be a text frame holding the public key',
          );
        return this.introduce(text);
      case 'proving':
        if (text === undefined)
          return this.close(
            LegacyClose.PROOF_FAILED,
            'the proof of possession must be a text frame',
          );
        return this.prove(text);
      case 'serving':
        if (text === undefined)
          return this.protocolError('binary_frame', 'binary frames are not part of the protocol');
        return this.respond(text);
    }
  }

  private introduce(text: string): void {
    try {
      this.publicKey = parseIntroduction(text);
    } catch (err) {
      return this.close(LegacyClose.BAD_INTRODUCTION, (err as Error).message);
    }
    if (!this.deps.config.legacyProof) return this.startServing();
    this.state = 'proving';
    this.challenge = this.deps.signing.proofChallenge();
    this.ws.send(base64Encode(this.challenge));
  }

  private prove(text: string): void {
    let response;
    try {
      response = parseSignResponse(text);
    } catch (err) {
      return this.close(LegacyClose.PROOF_FAILED, `proof of possession: ${(err as Error).message}`);
    }
    const challenge = this.challenge!;
    if (!Buffer.from(response.message).equals(challenge)) {
      return this.close(
        LegacyClose.PROOF_FAILED,
        'proof of possession: the echoed message is not the challenge',
      );
    }
    const key = Buffer.from(this.publicKey!, 'hex');
    if (!this.deps.signing.verifyProof(key, challenge, response.signature)) {
      return this.close(
        LegacyClose.PROOF_FAILED,
        'proof of possession: the signature does not verify against the introduced key',
      );
    }
    this.startServing();
  }

  private startServing(): void {
    clearTimeout(this.handshakeTimer);
    this.state = 'serving';
    const key = Buffer.from(this.publicKey!, 'hex');
    this.connection = new SignerConnection('legacy', this.publicKey!, key, {
      deliver: (request) => this.ws.send(request.messageKey),
      evict: (why) => this.close(LegacyClose.BAD_ANSWERS, why),
    });
    this.deps.signing.register(this.connection);
  }

  private respond(text: string): void {
    if (this.respondCanonical(text)) return;
    let response;
    try {
      response = parseSignResponse(text);
    } catch (err) {
      return this.protocolError('malformed_response', (err as Error).message);
    }
    const connection = this.connection!;
    const request = connection.takeByMessage(base64Encode(response.message));
    if (!request)
      return this.protocolError(
        'unmatched_response',
        'the echoed message matches no pending request',
      );
    this.errorsInARow = 0;
    void this.deps.signing.answer(connection, request, response.signature);
  }

  /**
   * The common case without decoding the echo: the text before the dot is exactly the
   * canonical base64 of a pending request's message, so it is that message (the wire form we
   * sent, echoed back), and only the signature needs decoding. False when the frame is anything
   * else; `respond` then parses it fully and reports what is wrong, exactly as before.
   */
  private respondCanonical(text: string): boolean {
    const dot = text.indexOf('.');
    if (dot <= 0 || text.indexOf('.', dot + 1) >= 0) return false;
    const connection = this.connection!;
    const messageKey = text.slice(0, dot);
    if (!connection.hasMessage(messageKey)) return false;
    let signature: Uint8Array;
    try {
      signature = base64Decode(text.slice(dot + 1));
    } catch {
      return false;
    }
    if (signature.length === 0) return false;
    const request = connection.takeByMessage(messageKey)!;
    this.errorsInARow = 0;
    void this.deps.signing.answer(connection, request, signature);
    return true;
  }

  private protocolError(kind: ProtocolErrorKind, detail: string): void {
    this.deps.metrics.protocolErrors.inc({ kind });
    this.errorsInARow++;
    this.log.warn(
      { kind, detail, publicKey: this.publicKey, inARow: this.errorsInARow },
      'legacy protocol error',
    );
    if (this.errorsInARow >= MAX_PROTOCOL_ERRORS) {
      this.close(
        LegacyClose.PROTOCOL_ERRORS,
        `${this.errorsInARow} protocol errors in a row; last: ${detail}`,
      );
    }
  }

  /** ws reports oversized (it closes with 1009) and invalid frames (1002/1007) as errors. */
  private onSocketError(err: Error & { code?: string }): void {
    const kind: ProtocolErrorKind =
      err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'oversized_frame' : 'invalid_frame';
    this.deps.metrics.protocolErrors.inc({ kind });
    this.log.warn(
      { kind, detail: err.message, publicKey: this.publicKey },
      'legacy protocol error',
    );
  }

  private onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.heartbeat);
    clearTimeout(this.pongTimer);
    clearTimeout(this.handshakeTimer);
    if (this.connection) this.deps.signing.connectionClosed(this.connection);
  }
}

/** The `/ws` endpoint for legacy raw-WebSocket signers (docs/signing.md, "Legacy protocol"). */
export function createLegacyEndpoint(deps: Deps): WebSocketServer {
  // maxPayload: ws closes the connection with 1009 when a message exceeds the frame limit.
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.config.maxFrameBytes });
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    new LegacySession(ws, req.socket.remoteAddress ?? 'unknown', deps);
  });
  return wss;
}
