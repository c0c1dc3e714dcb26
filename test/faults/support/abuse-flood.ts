/**
 * Floods of bad messages for the memory test, each channel counted exactly: batched tRPC calls
 * over the WebSocket and over HTTP, junk WebSocket frames, legacy introductions that are not
 * keys, and junk from registered legacy signers. Every flood waits for the server's answer to
 * each message (or the close it earns), so the server has handled all of them when it returns.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { isErrorCode } from '../../../protocol/errors.js';
import { RawLegacyClient, testKey } from '../../support/signing.js';
import { waitFor } from '../../support/signing.js';
import { accepts, badInput, procedures, type ProcedureInfo } from './abuse-procedures.js';
import type { RawTrpcSocket } from './abuse-trpc-ws.js';

interface BadCall {
  p: ProcedureInfo;
  input: unknown;
}

const POOL_SIZE = 4_000;
const pools = new Map<string, BadCall[]>();

/**
 * `count` calls of queries/mutations with input their schema refuses: a pool of distinct ones
 * (generating is the slow part), cycled; every call still gets its own request id.
 */
export function badCalls(
  count: number,
  types: ProcedureInfo['type'][] = ['query', 'mutation'],
): BadCall[] {
  const key = types.join();
  let pool = pools.get(key);
  if (!pool) {
    const targets = procedures().filter((p) => p.input && types.includes(p.type));
    const call = fc.oneof(
      ...targets.map((p) =>
        badInput(p)
          .filter((input) => !accepts(p, input))
          .map((input) => ({ p, input })),
      ),
    );
    pool = fc.sample(call, POOL_SIZE);
    pools.set(key, pool);
  }
  return Array.from({ length: count }, (_, i) => pool[i % pool.length]!);
}

async function inBatches<T>(
  items: T[],
  size: number,
  each: (batch: T[]) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await each(items.slice(i, i + size));
}

/** Bad calls as JSON-RPC batches (arrays) over the sockets, round robin; waits for every answer. */
export async function floodTrpcWs(
  sockets: RawTrpcSocket[],
  count: number,
  perFrame = 500,
): Promise<void> {
  const frames: Array<{ socket: RawTrpcSocket; text: string; n: number }> = [];
  await inBatches(badCalls(count), perFrame, async (calls) => {
    const socket = sockets[frames.length % sockets.length]!;
    const texts = calls.map(({ p, input }) => socket.frame(p.type, p.path, input).text);
    frames.push({ socket, text: `[${texts.join(',')}]`, n: calls.length });
  });
  await inBatches(frames, sockets.length, async (round) => {
    const expected = new Map(sockets.map((s) => [s, s.answered]));
    for (const f of round) {
      f.socket.send(f.text);
      expected.set(f.socket, expected.get(f.socket)! + f.n);
    }
    await waitFor(() => sockets.every((s) => s.answered >= expected.get(s)!), 'answers', 30_000);
  });
}

/** Frames that are not JSON at all: one PARSE_ERROR answer each. */
export async function floodWsJunk(socket: RawTrpcSocket, count: number): Promise<void> {
  const start = socket.answered;
  for (const junk of fc.sample(fc.string({ unit: 'binary', maxLength: 100 }), count)) {
    socket.send(`<${junk}`);
  }
  await waitFor(() => socket.answered >= start + count, 'parse errors', 30_000);
}

/** Bad mutations as tRPC HTTP batches (`POST /trpc/a,b,c?batch=1`); every call refused. */
export async function floodTrpcHttp(
  url: string,
  token: string,
  count: number,
  perRequest = 200,
): Promise<void> {
  await inBatches(badCalls(count, ['mutation']), perRequest, async (calls) => {
    const paths = calls.map((c) => c.p.path).join(',');
    const body = JSON.stringify(Object.fromEntries(calls.map((c, i) => [i, c.input])));
    const res = await fetch(`${url}/trpc/${paths}?batch=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    const answers = (await res.json()) as Array<{ error?: { data?: { appCode?: string } } }>;
    expect(answers).toHaveLength(calls.length);
    for (const a of answers) expect(isErrorCode(a.error?.data?.appCode)).toBe(true);
  });
}

/** `count` legacy connections whose introduction is not a key (each closed 4400). */
export async function floodLegacyIntroductions(
  wsUrl: string,
  count: number,
  parallel = 40,
): Promise<void> {
  const intros = fc.sample(fc.string({ unit: 'binary', maxLength: 100 }), count);
  await inBatches(intros, parallel, async (batch) => {
    await Promise.all(
      batch.map(async (intro) => {
        const client = new RawLegacyClient(wsUrl);
        await client.opened;
        client.send(`not a key: ${intro}`);
        expect((await client.closed).code).toBe(4400);
      }),
    );
  });
}

/**
 * Registered legacy signers (proof of possession answered) that each send five junk frames:
 * every frame is a protocol error, and the fifth closes the connection (4402).
 */
export async function floodLegacyJunk(wsUrl: string, count: number, parallel = 40): Promise<void> {
  const connections = Math.ceil(count / 5);
  const ids = Array.from({ length: connections }, (_, i) => i);
  await inBatches(ids, parallel, async (batch) => {
    await Promise.all(
      batch.map(async () => {
        const key = testKey();
        const client = new RawLegacyClient(wsUrl);
        await client.opened;
        client.send(key.publicKey);
        const challenge = await client.next();
        client.respond(challenge, key.sign(challenge));
        for (let i = 0; i < 5; i++) client.send(`junk ${i}`);
        expect((await client.closed).code).toBe(4402);
      }),
    );
  });
}
