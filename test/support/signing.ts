import { secp256k1 } from '@noble/curves/secp256k1.js';
import WebSocket from 'ws';
import { base64Decode, base64Encode, bytesToHex } from '../../protocol/encoding.js';
import { decodeSignRequest, encodeSignResponse, isProofChallenge } from '../../protocol/legacy.js';
import { waitUntil } from '../../client/poll.js';

/** Polls `check` until it returns true (tests never assert on timing, only on outcomes). */
export const waitFor = waitUntil;
export { postSign, type SignHttpResult } from '../../client/signing-http.js';

export interface TestKey {
  secretKey: Uint8Array;
  /** Compressed hex. */
  publicKey: string;
  /** 64-byte compact low-S over SHA-256(message). */
  sign(message: Uint8Array): Uint8Array;
}

export function testKey(): TestKey {
  const secretKey = secp256k1.utils.randomSecretKey();
  return {
    secretKey,
    publicKey: bytesToHex(secp256k1.getPublicKey(secretKey, true)),
    sign: (message) => secp256k1.sign(message, secretKey),
  };
}

/** The same signature with S replaced by n - S (still valid, "high-S"). */
export function toHighS(compact: Uint8Array): Uint8Array {
  const sig = secp256k1.Signature.fromBytes(compact, 'compact');
  const n = secp256k1.Point.CURVE().n;
  return new secp256k1.Signature(sig.r, n - sig.s).toBytes('compact');
}

export function toDer(compact: Uint8Array): Uint8Array {
  return secp256k1.Signature.fromBytes(compact, 'compact').toBytes('der');
}

export interface Closed {
  code: number;
  reason: string;
}

/**
 * A hand-driven legacy /ws client: tests decide every frame. Incoming sign requests queue up
 * and are read with `next()`.
 */
export class RawLegacyClient {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  private readonly inbox: Uint8Array[] = [];
  private waiters: ((m: Uint8Array) => void)[] = [];

  constructor(wsUrl: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(`${wsUrl}/ws`, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on('error', () => {});
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = decodeSignRequest(data.toString());
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.inbox.push(message);
    });
  }

  /** The next sign request from the server. */
  next(): Promise<Uint8Array> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get queued(): number {
    return this.inbox.length;
  }

  send(text: string | Buffer): void {
    this.ws.send(text);
  }

  respond(message: Uint8Array, signature: Uint8Array): void {
    this.ws.send(encodeSignResponse(message, signature));
  }

  close(): Promise<Closed> {
    this.ws.close();
    return this.closed;
  }
}

/**
 * Opens a legacy connection for `key`, introduces it (in the given form), answers the proof
 * challenge when proof is on, and resolves once the server counts one more registered
 * connection.
 */
export async function connectLegacy(
  server: { url: string; wsUrl: string },
  key: TestKey,
  opts: { proof?: boolean; introduction?: string; client?: WebSocket.ClientOptions } = {},
): Promise<RawLegacyClient> {
  const client = new RawLegacyClient(server.wsUrl, opts.client);
  await client.opened;
  const before = (await getJson(server.url, '/status')) as { connections: number };
  client.send(opts.introduction ?? key.publicKey);
  if (opts.proof ?? true) {
    const challenge = await client.next();
    if (!isProofChallenge(challenge)) throw new Error('expected a proof challenge first');
    client.respond(challenge, key.sign(challenge));
  }
  await waitFor(
    async () =>
      ((await getJson(server.url, '/status')) as { connections: number }).connections >
      before.connections,
    'registration',
  );
  return client;
}

export async function getJson(url: string, path: string): Promise<unknown> {
  const res = await fetch(new URL(path, url));
  return res.json();
}

/** `GET /connected/{publicKey}`: whether a registered signer holds the key. */
export async function isConnected(url: string, publicKey: string): Promise<boolean> {
  return ((await getJson(url, `/connected/${publicKey}`)) as { connected: boolean }).connected;
}

export const b64 = (bytes: Uint8Array | string) =>
  base64Encode(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
export const unb64 = base64Decode;
export const isProof = isProofChallenge;
