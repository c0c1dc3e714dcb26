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

/** `{ "error": text, "code": CODE }` with the status of that code (SPEC §3). */
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
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError('PAYLOAD_TOO_LARGE', `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('BAD_REQUEST', 'body is not valid JSON');
  }
}
