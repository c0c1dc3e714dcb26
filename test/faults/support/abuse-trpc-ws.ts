/**
 * A hand-driven tRPC WebSocket client: the tests decide every frame (junk, batches, huge
 * messages), can stop reading (pause the socket) and see every answer and the close code.
 */
import WebSocket from 'ws';
import type { Closed } from '../../support/signing.js';

export interface TrpcReply {
  id: number | string | null;
  result?: { type: 'started' | 'data' | 'stopped'; data?: unknown; id?: string };
  error?: { message: string; data?: { code?: string; appCode?: string } };
}

export type Method = 'query' | 'mutation' | 'subscription';

export class RawTrpcSocket {
  /** Every answer, in order (answers to junk frames have id null), unless told not to keep them. */
  readonly replies: TrpcReply[] = [];
  /** How many answers arrived. */
  answered = 0;
  /** Set to false to only count answers (floods of many thousands). */
  keepReplies = true;
  readonly closed: Promise<Closed>;
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: TrpcReply) => void>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('error', () => {});
    ws.on('message', (data) => {
      const text = String(data);
      if (text === 'PING') return ws.send('PONG'); // the adapter's keep-alive
      const parsed = JSON.parse(text) as TrpcReply | TrpcReply[];
      for (const reply of Array.isArray(parsed) ? parsed : [parsed]) {
        this.answered++;
        if (this.keepReplies) this.replies.push(reply);
        if (typeof reply.id === 'number') this.waiting.get(reply.id)?.(reply);
        if (typeof reply.id === 'number') this.waiting.delete(reply.id);
      }
    });
  }

  /** Connects to `/trpc`, sending the token as connectionParams when one is given. */
  static async open(
    wsUrl: string,
    token?: string,
    options: WebSocket.ClientOptions = {},
  ): Promise<RawTrpcSocket> {
    const ws = new WebSocket(`${wsUrl}/trpc${token ? '?connectionParams=1' : ''}`, options);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    if (token) ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
    return new RawTrpcSocket(ws);
  }

  /** A well-formed request frame (the caller sends it, alone or in a batch). */
  frame(method: Method, path: string, input: unknown): { id: number; text: string } {
    const id = ++this.nextId;
    const params = input === undefined ? { path } : { path, input };
    return { id, text: JSON.stringify({ id, jsonrpc: '2.0', method, params }) };
  }

  /** Sends one request and resolves with its first answer (a subscription: started or error). */
  request(method: Method, path: string, input: unknown): Promise<TrpcReply> {
    const { id, text } = this.frame(method, path, input);
    const reply = new Promise<TrpcReply>((resolve) => this.waiting.set(id, resolve));
    this.ws.send(text);
    return reply;
  }

  stop(id: number | string): void {
    this.ws.send(JSON.stringify({ id, jsonrpc: '2.0', method: 'subscription.stop' }));
  }

  send(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.ws.send(data, options);
  }

  /** Stops reading from the socket (the server's sends pile up on its side). */
  pause(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resume(): void {
    (this.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  close(): Promise<Closed> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close();
    return this.closed;
  }
}
