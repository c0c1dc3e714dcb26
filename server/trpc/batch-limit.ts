import type { RequestListener } from 'node:http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { errorCodes } from '../../protocol/errors.js';
import type { MessageGate } from './message-gates.js';

/**
 * `--max-batch-size` (docs/reliability.md, "Limits"): a tRPC batch of more calls than the limit
 * is refused whole, before tRPC reads it, so no procedure runs, nothing is audited per call and
 * nothing is written. Over HTTP (`/trpc/a,b,c?batch=1`) the paths are counted from the URL and
 * the answer is 413, one error per call; over the WebSocket a message holding an array of more
 * calls gets one error per request id.
 *
 * @module
 */

const BATCH = errorCodes.BATCH_TOO_LARGE;
/** A WebSocket batch of more than this many times the limit closes the connection instead. */
export const FLOOD_FACTOR = 10;
const POLICY_VIOLATION = 1008;

/** The tRPC error shape of a refused batch, as the errorFormatter of init.ts writes it. */
export function batchTooLargeShape(limit: number, got: number) {
  return {
    message: `too many calls in one batch: ${got} (at most ${limit}, --max-batch-size)`,
    code: TRPC_ERROR_CODES_BY_KEY[BATCH.trpc],
    data: {
      code: BATCH.trpc,
      httpStatus: BATCH.http,
      appCode: 'BATCH_TOO_LARGE' as const,
      details: { limit, got },
    },
  };
}

/**
 * Calls in a tRPC HTTP request: the comma-separated paths of a batch (`?batch=1`), else 1.
 * Counted as tRPC splits them, after URL-decoding (`a%2Cb` is two calls).
 */
export function httpBatchSize(url: string | undefined): number {
  let parsed: URL;
  try {
    parsed = new URL(url ?? '/', 'http://localhost');
  } catch {
    return 1; // the router answers 400 before it gets here
  }
  if (parsed.searchParams.get('batch') !== '1') return 1;
  const paths = parsed.pathname.replace(/^\/trpc\/?/, '');
  try {
    return decodeURIComponent(paths).split(',').length;
  } catch {
    return paths.split(',').length; // tRPC refuses the encoding
  }
}

/**
 * Wraps tRPC's HTTP handler: a batch over `limit` is answered 413 and never reaches it
 * (`refused` counts it).
 */
export function limitHttpBatches(
  trpc: RequestListener,
  limit: number,
  refused: () => void,
): RequestListener {
  return (req, res) => {
    const got = httpBatchSize(req.url);
    if (got <= limit) {
      trpc(req, res);
      return;
    }
    refused();
    const error = JSON.stringify({ error: batchTooLargeShape(limit, got) });
    // Far over the limit, one error: an answer per path would be ~200 times the request.
    const body =
      got > FLOOD_FACTOR * limit
        ? error
        : `[${Array.from({ length: got }, () => error).join(',')}]`;
    // The body is not read: close the connection rather than keep it alive behind it.
    res.writeHead(BATCH.http, { 'content-type': 'application/json', connection: 'close' });
    res.end(body);
  };
}

/** The request id of one JSON-RPC message of a batch, when it is one tRPC would answer. */
function answerableId(message: unknown): number | string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { id, method } = message as { id?: unknown; method?: unknown };
  if (method === 'subscription.stop') return undefined;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
}

/**
 * A message gate (message-gates.ts) refusing WebSocket messages that hold an array of more
 * than `limit` calls: each request id of it is answered BATCH_TOO_LARGE, as tRPC answers an
 * error, and none of them runs. Other messages (single calls, arrays within the limit, junk)
 * go on to tRPC. `refused` counts the refusals. A message of more than FLOOD_FACTOR times the
 * limit closes the connection (1008), since answering each of its ids would send far more than
 * it received.
 */
export function limitWsBatches(limit: number, refused: () => void): MessageGate {
  return (ws, data, isBinary) => {
    if (isBinary) return false;
    const text = String(data);
    if (!/^\s*\[/.test(text)) return false; // not an array: one call at most
    let messages: unknown;
    try {
      messages = JSON.parse(text);
    } catch {
      return false; // tRPC answers the parse error
    }
    if (!Array.isArray(messages) || messages.length <= limit) return false;
    refused();
    if (messages.length > FLOOD_FACTOR * limit) {
      // An answer per id would be ~25 times the message: no client of ours sends this.
      ws.close(POLICY_VIOLATION, `batch too large: ${messages.length} calls`);
      return true;
    }
    const error = JSON.stringify(batchTooLargeShape(limit, messages.length));
    let answered = false;
    for (const message of messages) {
      const id = answerableId(message);
      if (id === undefined) continue;
      ws.send(`{"id":${JSON.stringify(id)},"jsonrpc":"2.0","error":${error}}`);
      answered = true;
    }
    if (!answered) ws.send(`{"id":null,"error":${error}}`);
    return true;
  };
}
