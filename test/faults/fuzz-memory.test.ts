/**
 * Bounded memory under bad input: 100 000 bad messages over every channel against a child
 * server, then its V8 heap after a full GC (read through the inspector) compared with the heap
 * after a warm-up of the same traffic. A leak of even ~100 bytes per bad message would show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  floodLegacyIntroductions,
  floodLegacyJunk,
  floodTrpcHttp,
  floodTrpcWs,
  floodWsJunk,
} from './support/abuse-flood.js';
import { Figures } from './support/abuse-figures.js';
import { startChildServer, type ChildServer, type RowCounts } from './support/abuse-server.js';
import { RawTrpcSocket } from './support/abuse-trpc-ws.js';

/** Bad messages per channel; they add up to 100 000. */
const PLAN = {
  trpcWebSocketCalls: 70_000,
  trpcHttpBatchedCalls: 16_000,
  webSocketJunkFrames: 4_000,
  legacyIntroductions: 2_000,
  legacyJunkFrames: 8_000,
};
const TOTAL = Object.values(PLAN).reduce((a, b) => a + b, 0);
/** Heap the whole flood may leave behind, after GC. */
const HEAP_BOUND_BYTES = 8 * 1024 * 1024;

let server: ChildServer;
let before: RowCounts;

beforeAll(async () => {
  server = await startChildServer([
    '--log-level',
    'error', // warn would log every legacy error
    // The flood is batches of 500 (WebSocket) and 200 (HTTP) calls from one admin, by design:
    // far over --max-batch-size and --rate-limit, which hardening-batches/-rate test.
    ...['--max-batch-size', '500', '--rate-limit', '1000000', '--rate-burst', '1000000'],
  ]);
  before = server.counts();
}, 60_000);

afterAll(() => server?.close());

/** Sends `share` of the plan over every channel. */
async function flood(share: number, token: string): Promise<void> {
  const part = (n: number) => Math.round(n * share);
  const sockets = await Promise.all(
    [0, 1, 2, 3].map(() => RawTrpcSocket.open(server.wsUrl, token)),
  );
  for (const s of sockets) s.keepReplies = false;
  await Promise.all([
    floodTrpcWs(sockets.slice(1), part(PLAN.trpcWebSocketCalls)),
    floodWsJunk(sockets[0]!, part(PLAN.webSocketJunkFrames)),
    floodTrpcHttp(server.url, token, part(PLAN.trpcHttpBatchedCalls)),
    floodLegacyIntroductions(server.wsUrl, part(PLAN.legacyIntroductions)),
    floodLegacyJunk(server.wsUrl, part(PLAN.legacyJunkFrames)),
  ]);
  for (const s of sockets) expect(s.ws.readyState).toBe(s.ws.OPEN);
  await Promise.all(sockets.map((s) => s.close()));
}

describe('memory under a flood of bad messages', () => {
  it(`stays bounded after ${TOTAL} bad messages`, async () => {
    expect(TOTAL).toBe(100_000);
    const token = await server.token('fz-root', 'admin');
    await flood(0.05, token); // warm-up: code paths compiled, caches and pools at their size
    const baseline = await server.memoryAfterGc();
    await flood(1, token);
    const after = await server.memoryAfterGc();
    const kib = (b: number) => Math.round(b / 1024);
    const figures = new Figures('fuzz-memory');
    for (const [channel, n] of Object.entries(PLAN)) figures.add(channel, n);
    figures.add('warm-up messages', TOTAL * 0.05);
    figures.add('heap KiB before', kib(baseline.heapUsed));
    figures.add('heap KiB after', kib(after.heapUsed));
    figures.add('external KiB before', kib(baseline.external));
    figures.add('external KiB after', kib(after.external));
    figures.print();
    expect(after.heapUsed - baseline.heapUsed).toBeLessThan(HEAP_BOUND_BYTES);
    expect(after.external - baseline.external).toBeLessThan(HEAP_BOUND_BYTES);
    await server.expectHealthy();
    expect(server.counts()).toEqual(before);
  }, 180_000);
});
