import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, errorCodes, type ErrorCode } from '../../protocol/errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** `{ "error": text, "code": CODE }` with the status of that code (docs/signing.md, "HTTP endpoints"). */
export function sendError(res: ServerResponse, code: ErrorCode, message: string): void {
  sendJson(res, errorCodes[code].http, { error: message, code });
}

/** Reads a JSON body of at most `limit` bytes; AppError BAD_REQUEST / PAYLOAD_TOO_LARGE otherwise. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError('BAD_REQUEST', 'expected Content-Type: application/json');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new AppError('PAYLOAD_TOO_LARGE', `body larger than ${limit} bytes`);
  const body = bufferedBody(req, declared) ?? (await readBody(req, limit));
  if (body.length > limit)
    throw new AppError('PAYLOAD_TOO_LARGE', `body larger than ${limit} bytes`);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('BAD_REQUEST', 'body is not valid JSON');
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * The whole body when the parser has already buffered all of it, taken synchronously (no
 * listeners, no promise): a small request arrives in one packet with its headers, so by the
 * time the handler runs its body is in the stream. All of it is there when the stream holds
 * exactly the declared Content-Length (the parser delivers no byte beyond it) or when the
 * parser has seen the end of the message (chunked). Undefined otherwise: `readBody` waits.
 */
function bufferedBody(req: IncomingMessage, declared: number): Buffer | undefined {
  if (req.readableFlowing || req.readableEnded) return undefined;
  const whole =
    req.headers['content-length'] !== undefined ? req.readableLength === declared : req.complete;
  if (!whole) return undefined;
  if (req.readableLength === 0) return EMPTY;
  return (req.read() as Buffer | null) ?? undefined;
}

/**
 * The raw body, at most `limit` bytes. Event-based rather than `for await`: the async iterator
 * costs several microtasks per request, which shows at thousands of POST /sign per second.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume(); // discard the rest; the 413 answer still goes out
        reject(new AppError('PAYLOAD_TOO_LARGE', `body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
