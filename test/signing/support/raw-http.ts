// A hand-driven HTTP/1.1 connection for tests that decide how a request reaches the server:
// in one write (its body is then buffered when the handler runs) or in pieces with pauses
// (the handler has to wait for it), chunked or with Content-Length, or cut off halfway.
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class RawHttpConnection {
  private readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private ended = false;
  readonly opened: Promise<void>;

  constructor(url: string) {
    const { hostname, port } = new URL(url);
    this.socket = net.connect({ host: hostname, port: Number(port), noDelay: true });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.ended = true;
      this.waiting?.();
    });
  }

  /** Writes `pieces` one after the other, `pauseMs` apart (0: all in one write). */
  async send(pieces: (string | Buffer)[], pauseMs = 0): Promise<void> {
    await this.opened;
    if (pauseMs === 0) {
      this.socket.write(Buffer.concat(pieces.map((p) => Buffer.from(p))));
      return;
    }
    for (const piece of pieces) {
      this.socket.write(piece);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  /** The next complete response (Content-Length bodies only: the server sends no other). */
  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.take();
      if (parsed) return parsed;
      if (this.ended) throw new Error('the connection closed before a whole response came');
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(): Promise<void> {
    while (!this.ended) {
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private take(): RawResponse | undefined {
    const headerEnd = this.buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return undefined;
    const [statusLine, ...lines] = this.buffer
      .subarray(0, headerEnd)
      .toString('latin1')
      .split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const total = headerEnd + 4 + length;
    if (this.buffer.length < total) return undefined;
    const body = this.buffer.subarray(headerEnd + 4, total).toString('utf8');
    this.buffer = this.buffer.subarray(total);
    return { status: Number(statusLine!.slice(9, 12)), headers, body };
  }
}

/** The head of `POST /sign` (with the blank line), then the body as given. */
export function signHead(token: string, framing: { contentLength: number } | 'chunked'): string {
  const length =
    framing === 'chunked'
      ? 'Transfer-Encoding: chunked'
      : `Content-Length: ${framing.contentLength}`;
  return (
    `POST /sign HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: application/json\r\n${length}\r\n\r\n`
  );
}

/** `body` in chunked transfer encoding, cut into chunks of `size` bytes, with the last chunk. */
export function chunked(body: string | Buffer, size: number): Buffer[] {
  const bytes = Buffer.from(body);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const part = bytes.subarray(at, at + size);
    chunks.push(Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, CRLF]));
  }
  chunks.push(Buffer.from('0\r\n\r\n'));
  return chunks;
}

const CRLF = Buffer.from('\r\n');
