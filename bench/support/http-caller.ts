import net from 'node:net';

/**
 * A minimal keep-alive HTTP/1.1 client for load generation: one socket, one request at a
 * time, requests prebuilt as bytes, responses parsed just enough (status line, Content-Length).
 * Node's http client costs about as much CPU per request as the server does; on a 2-core
 * machine that would measure the generator, not the server (the same reason wrk and
 * autocannon exist).
 */
export class RawHttpCaller {
  private readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: ((status: number) => void) | undefined;
  readonly ready: Promise<void>;

  constructor(host: string, port: number) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Sends one prebuilt request; resolves with the response status. */
  request(bytes: Buffer): Promise<number> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.socket.write(bytes);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const headerEnd = this.buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const head = this.buffer.subarray(0, headerEnd).toString('latin1');
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    const total = headerEnd + 4 + length;
    if (this.buffer.length < total) return;
    this.buffer = this.buffer.subarray(total);
    const status = Number(head.slice(9, 12));
    const resolve = this.pending;
    this.pending = undefined;
    resolve?.(status);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** `POST /sign` as bytes, with a bearer token. */
export function signRequestBytes(host: string, token: string, publicKey: string, messageBase64: string): Buffer {
  const body = JSON.stringify({ public_key: publicKey, message: messageBase64 });
  return Buffer.from(
    `POST /sign HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
