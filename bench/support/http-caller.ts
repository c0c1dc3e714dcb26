import net from 'node:net';

/**
 * A minimal keep-alive HTTP/1.1 client for load generation: one socket, one request at a
 * time, requests prebuilt as bytes, responses parsed just enough (status line, Content-Length).
 * Node's http client costs about as much CPU per request as the server does; on a 2-core
 * machine that would measure the generator, not the server (the same reason wrk and
 * autocannon exist). A connection the server closed (keep-alive timeout after 5 s idle) is
 * opened again by the next request; a request whose connection drops resolves with status 0.
 */
export class RawHttpCaller {
  private socket!: net.Socket;
  private open = false;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: ((status: number) => void) | undefined;
  ready!: Promise<void>;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.connect();
  }

  private connect(): void {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.ready = new Promise((resolve, reject) => {
      socket.once('connect', () => {
        this.open = true;
        resolve();
      });
      socket.once('error', reject);
    });
    this.ready.catch(() => {});
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {}); // reported as 'close'
    socket.on('close', () => {
      this.open = false;
      this.settle(0);
    });
  }

  /** Sends one prebuilt request; resolves with the response status (0: connection lost). */
  async request(bytes: Buffer): Promise<number> {
    if (!this.open) {
      this.connect();
      await this.ready.catch(() => {});
      if (!this.open) return 0;
    }
    return new Promise((resolve) => {
      this.pending = resolve;
      this.socket.write(bytes);
    });
  }

  private settle(status: number): void {
    const resolve = this.pending;
    this.pending = undefined;
    resolve?.(status);
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
    this.settle(Number(head.slice(9, 12)));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** `POST /sign` as bytes, with a bearer token. */
export function signRequestBytes(
  host: string,
  token: string,
  publicKey: string,
  messageBase64: string,
): Buffer {
  const body = JSON.stringify({ public_key: publicKey, message: messageBase64 });
  return Buffer.from(
    `POST /sign HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
