import WebSocket from 'ws';
import { bytesToHex } from '../../protocol/encoding.js';
import { publicKeyOf, signMessage } from '../../protocol/ecdsa/sign.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodeSignRequest,
  encodeSignResponse,
  foreignProofChallenge,
  isProofChallenge,
} from '../../protocol/legacy.js';
import { reconnectDelayMs } from '../trpc.js';
import { tlsOptions, toWebSocketUrl, type TlsTrust } from '../transport.js';
import { ReadySignal, type Approve, type SignerEvent, type SignerHandle } from './types.js';

export interface LegacySignerOptions extends TlsTrust {
  /** `http(s)://host:port` (the `/ws` path is added) or a full `ws(s)://` URL. */
  url: string;
  /** 32-byte secp256k1 secret key. */
  secretKey: Uint8Array;
  /**
   * Whether to sign a request. The legacy protocol cannot express a refusal: a refused request
   * is left unanswered and its caller gets TIMEOUT.
   */
  approve?: Approve;
  onEvent?: (event: SignerEvent) => void;
  /**
   * Largest frame accepted from the server (default 64 KiB, the protocol's frame limit and
   * the server's `--max-frame-bytes` default). A server started with a larger
   * `--max-frame-bytes` can ask for larger messages: give its value here.
   */
  maxFrameBytes?: number;
}

/** A connection that lived this long resets the reconnect backoff. */
const STABLE_MS = 5_000;
/** 4400: the server rejected our introduction; retrying cannot help. */
const BAD_INTRODUCTION = 4400;

function legacyUrl(url: string): string {
  return /^wss?:\/\//.test(url) ? url : toWebSocketUrl(url, '/ws');
}

/**
 * The reference signer of the legacy raw-WebSocket protocol (docs/signing.md §1): introduces its
 * compressed public key in hex, answers the proof-of-possession challenge, then answers each
 * `base64(message)` with `base64(message).base64(signature)` (compact, low-S). Reconnects with
 * backoff until stopped. A challenge naming another origin than `url`'s is not signed: the
 * signer gives up (it is talking to the wrong server, or to one that relays another's).
 */
export function runLegacySigner(opts: LegacySignerOptions): SignerHandle {
  const publicKey = bytesToHex(publicKeyOf(opts.secretKey));
  const url = legacyUrl(opts.url);
  const emit = opts.onEvent ?? (() => {});
  const ready = new ReadySignal();
  let stopped = false;
  let attempt = 0;
  let socket: WebSocket | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  async function answer(ws: WebSocket, message: Uint8Array): Promise<void> {
    if (opts.approve && !(await opts.approve(message))) {
      emit({ type: 'refused', messageBytes: message.length });
      return;
    }
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(encodeSignResponse(message, signMessage(opts.secretKey, message)));
    emit({ type: 'signed', messageBytes: message.length });
  }

  function connect(): void {
    const ws = new WebSocket(url, {
      ...tlsOptions(opts),
      // The server's requests fit its frame limit by construction (server/signing/limits.ts); a
      // bigger frame closes the connection with 1009 instead of being buffered (`ws`: 100 MiB).
      maxPayload: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    });
    socket = ws;
    let openedAt = 0;
    /** Why a connection that never opened failed: reported with its close, not on its own. */
    let connectError = '';
    let first = true;
    ws.on('open', () => {
      openedAt = Date.now();
      emit({ type: 'connected' });
      ws.send(publicKey);
      ready.set();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: Uint8Array;
      try {
        message = decodeSignRequest(data.toString());
      } catch (err) {
        emit({ type: 'error', message: (err as Error).message });
        return;
      }
      const isFirst = first;
      first = false;
      if (isProofChallenge(message)) {
        // Only the server's challenge, which comes first, is signed without asking, and only
        // when it names the server we connected to: else the server could be relaying another
        // deployment's challenge to take our key's route there (docs/signing.md).
        if (!isFirst) return;
        const foreign = foreignProofChallenge(message, url);
        if (foreign === undefined) {
          ws.send(encodeSignResponse(message, signMessage(opts.secretKey, message)));
          return;
        }
        stopped = true;
        emit({ type: 'gave_up', message: `not signing the proof challenge: ${foreign}` });
        ws.close(1008, 'proof challenge for another server');
        return;
      }
      answer(ws, message).catch((err: unknown) =>
        emit({ type: 'error', message: (err as Error).message }),
      );
    });
    ws.on('error', (err) => {
      if (openedAt) emit({ type: 'error', message: err.message });
      else connectError = err.message;
    });
    ws.on('close', (code, reasonBuf) => {
      ready.reset();
      if (stopped) return;
      const reason = reasonBuf.toString() || connectError;
      if (code === BAD_INTRODUCTION) {
        stopped = true;
        emit({ type: 'gave_up', message: `the server refused our introduction: ${reason}` });
        return;
      }
      emit({ type: 'disconnected', code, reason });
      if (openedAt && Date.now() - openedAt >= STABLE_MS) attempt = 0;
      retryTimer = setTimeout(connect, reconnectDelayMs(attempt++));
    });
  }

  connect();
  return {
    publicKey,
    ready: () => ready.wait(),
    stop: async () => {
      stopped = true;
      clearTimeout(retryTimer);
      const ws = socket;
      if (!ws || ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000, 'signer stopped');
        setTimeout(() => ws.terminate(), 1000).unref();
      });
    },
  };
}
