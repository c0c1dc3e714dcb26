import WebSocket from 'ws';
import { base64Decode, base64Encode, bytesToHex } from '../../protocol/encoding.js';
import { encodeSignResponse, isProofChallenge } from '../../protocol/legacy.js';
import { newSecretKey, publicKeyFor, signFast } from './fast-ecdsa.js';

export interface PreparedSigner {
  publicKey: string;
  secretKey: Uint8Array;
  /** base64(message) → full response frame, signed in advance. */
  answers: Map<string, string>;
  /** The messages callers may ask this signer to sign (base64). */
  messages: string[];
}

/** N keys with `perSigner` distinct messages each, signed ahead of time (the load is the server's). */
export function prepareSigners(count: number, perSigner: number): PreparedSigner[] {
  const signers: PreparedSigner[] = [];
  for (let i = 0; i < count; i++) {
    const secretKey = newSecretKey();
    const answers = new Map<string, string>();
    const messages: string[] = [];
    for (let j = 0; j < perSigner; j++) {
      const message = new TextEncoder().encode(
        `bench signer ${i} message ${j}: transfer ${j * 7} units`,
      );
      const text = base64Encode(message);
      messages.push(text);
      answers.set(text, encodeSignResponse(message, signFast(secretKey, message)));
    }
    signers.push({ publicKey: bytesToHex(publicKeyFor(secretKey)), secretKey, answers, messages });
  }
  return signers;
}

/**
 * Connects a raw legacy signer that answers from its precomputed table (the proof challenge,
 * the only unknown message, is signed live). Resolves once the socket is open and introduced.
 */
export function connectSigner(
  wsUrl: string,
  signer: PreparedSigner,
  onUnknown: () => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}/ws`, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () => {
      ws.send(signer.publicKey);
      resolve(ws);
    });
    ws.on('message', (data) => {
      const text = data.toString();
      const answer = signer.answers.get(text);
      if (answer) return ws.send(answer);
      const message = base64Decode(text);
      if (isProofChallenge(message))
        ws.send(encodeSignResponse(message, signFast(signer.secretKey, message)));
      else onUnknown();
    });
  });
}

/** Connects every signer, `parallel` handshakes at a time (bounded: no connection storm). */
export async function connectSigners(
  wsUrl: string,
  signers: PreparedSigner[],
  onUnknown: () => void,
  parallel = 50,
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < signers.length; i += parallel) {
    const batch = signers.slice(i, i + parallel);
    sockets.push(...(await Promise.all(batch.map((s) => connectSigner(wsUrl, s, onUnknown)))));
  }
  return sockets;
}

/** Polls `GET /status` until `count` signer connections are registered (proof passed). */
export async function waitForSigners(url: string, count: number, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  for (;;) {
    const status = (await (await fetch(`${url}/status`)).json()) as { connections: number };
    if (status.connections >= count) return;
    if (Date.now() > until)
      throw new Error(`only ${status.connections} of ${count} signers registered`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
