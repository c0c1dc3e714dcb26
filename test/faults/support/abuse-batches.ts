/**
 * tRPC batches of the caller's choosing, for the batch-size and rate-limit tests: one HTTP
 * request carrying many calls (`POST /trpc/a,b,c?batch=1`), one WebSocket message carrying an
 * array of calls, and what came back for each call.
 */
import { waitFor } from '../../support/signing.js';
import type { Method, RawTrpcSocket, TrpcReply } from './abuse-trpc-ws.js';

/** One call's answer within a batch. */
export interface CallAnswer {
  ok: boolean;
  code?: string;
  appCode?: string;
  details?: Record<string, unknown>;
}

interface WireAnswer {
  error?: { data?: { code?: string; appCode?: string; details?: Record<string, unknown> } };
}

function answerOf(wire: WireAnswer): CallAnswer {
  if (!wire.error) return { ok: true };
  const data = wire.error.data ?? {};
  return { ok: false, code: data.code, appCode: data.appCode, details: data.details };
}

/** `inputs.length` calls of `path` in one HTTP request (POST for mutations, GET for queries). */
export async function httpBatch(
  url: string,
  token: string | undefined,
  method: 'query' | 'mutation',
  path: string,
  inputs: readonly unknown[],
): Promise<{ status: number; retryAfter: string | null; answers: CallAnswer[] }> {
  const paths = inputs.map(() => path).join(',');
  const body = JSON.stringify(Object.fromEntries(inputs.map((input, i) => [i, input])));
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const target = `${url}/trpc/${paths}?batch=1`;
  const res =
    method === 'mutation'
      ? await fetch(target, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        })
      : await fetch(`${target}&input=${encodeURIComponent(body)}`, { headers });
  const answers = ((await res.json()) as WireAnswer[]).map(answerOf);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), answers };
}

/** `inputs.length` calls of `path` as one WebSocket message (a JSON array); every answer. */
export async function wsBatch(
  socket: RawTrpcSocket,
  method: Method,
  path: string,
  inputs: readonly unknown[],
): Promise<CallAnswer[]> {
  const frames = inputs.map((input) => socket.frame(method, path, input));
  const ids = new Set(frames.map((f) => f.id));
  const got = new Map<number, TrpcReply>();
  const from = socket.replies.length;
  socket.send(`[${frames.map((f) => f.text).join(',')}]`);
  await waitFor(() => {
    for (const r of socket.replies.slice(from)) {
      if (typeof r.id === 'number' && ids.has(r.id)) got.set(r.id, r);
    }
    return got.size === ids.size;
  }, `${ids.size} answers`);
  return frames.map((f) => answerOf(got.get(f.id) as WireAnswer));
}

/** How many answers of each kind: `ok`, or the appCode. */
export function tally(answers: readonly CallAnswer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const key = a.ok ? 'ok' : (a.appCode ?? String(a.code));
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
