// Hardening, batches (docs/reliability.md, Limits): `--max-batch-size` over HTTP and the tRPC
// WebSocket, refusals of the session service audited in batches, and our own client keeping
// its batches within the default limits. Each case drives `sigsocket serve` in a child process
// (default limits) while /healthz is polled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, createClient } from '../../client/trpc.js';
import { MAX_BATCH_CALLS } from '../../client/batch-cap.js';
import { closeAll } from '../support/sessions.js';
import { waitFor } from '../support/signing.js';
import { httpBatch, tally, wsBatch } from './support/abuse-batches.js';
import { startChildServer, type ChildServer, type RowCounts } from './support/abuse-server.js';
import { RawTrpcSocket } from './support/abuse-trpc-ws.js';
import { heldKeygen, type HeldKeygen } from './support/abuse-world.js';
import { expectMemoryNear, expectResponsive, whileProbing } from './support/hardening.js';

/** The default of --max-batch-size. */
const LIMIT = 50;

let server: ChildServer;
let world: HeldKeygen;
let before: RowCounts;
let alice: string;
/** Memory after GC once the world is set up (and the inspector open: not inside a probe). */
let baseline: { heapUsed: number; external: number };

beforeAll(async () => {
  server = await startChildServer();
  world = await heldKeygen(server, 'hb');
  alice = await server.token('hb-alice', 'participant');
  before = server.counts();
  baseline = await server.memoryAfterGc();
}, 60_000);

afterAll(async () => {
  await closeAll();
  await server?.close();
});

/** Answers to the invitation of the held keygen, now in round 1: each refused WRONG_PHASE. */
const respond = (n: number) =>
  Array.from({ length: n }, () => ({ sessionId: world.sessionId, accept: false }));

describe('--max-batch-size', () => {
  it('refuses 500 submissions in one POST with 413 BATCH_TOO_LARGE per call, before any runs', async () => {
    const auditBefore = server.auditRows();
    const probed = await whileProbing(server.url, async () => {
      const replies = [];
      for (let i = 0; i < 10; i++) {
        const post = () =>
          httpBatch(server.url, alice, 'mutation', 'participant.respond', respond(500));
        replies.push(...(await Promise.all([post(), post()])));
      }
      return replies;
    });
    expectResponsive(probed, '20 POSTs of 500 calls, 2 at a time');
    expect(probed.result).toHaveLength(20);
    for (const { status, answers } of probed.result) {
      expect(status).toBe(413);
      expect(tally(answers)).toEqual({ BATCH_TOO_LARGE: 500 });
      expect(answers[0]).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        details: { limit: LIMIT, got: 500 },
      });
    }
    // One call over the limit is enough; the limit itself is served (next case).
    const justOver = await httpBatch(server.url, alice, 'query', 'auth.whoami', respond(51));
    expect(justOver.status).toBe(413);
    expect(tally(justOver.answers)).toEqual({ BATCH_TOO_LARGE: 51 });
    // Far over it (more than 10 × the limit), one error for the whole batch: an answer per
    // path would be hundreds of times the request.
    const flood = await fetch(`${server.url}/trpc/${'a,'.repeat(999)}a?batch=1`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    const floodBody = await flood.text();
    expect(flood.status).toBe(413);
    expect(floodBody.length).toBeLessThan(1_000);
    expect(JSON.parse(floodBody)).toMatchObject({
      error: { data: { appCode: 'BATCH_TOO_LARGE', details: { limit: LIMIT, got: 1000 } } },
    });
    // Nothing changed, nothing audited: 50 refused calls make 50 rows, the refused batches none.
    expect(server.counts()).toEqual(before);
    await world.expectUnchanged();
    const served = await httpBatch(
      server.url,
      alice,
      'mutation',
      'participant.respond',
      respond(50),
    );
    expect(tally(served.answers)).toEqual({ WRONG_PHASE: 50 });
    await waitFor(() => server.auditRows() >= auditBefore + 50, 'the 50 refusals audited');
    expect(server.auditRows()).toBe(auditBefore + 50);
    // Another caller is served.
    expect((await world.coordinator.session.get.query({ sessionId: world.sessionId })).state).toBe(
      'round1',
    );
    expectMemoryNear(baseline, await server.memoryAfterGc(), '20 POSTs of 500 calls');
  });

  it('refuses a WebSocket message of 51 calls, each id BATCH_TOO_LARGE, and serves 50', async () => {
    const socket = await RawTrpcSocket.open(server.wsUrl, alice);
    try {
      const auditBefore = server.auditRows();
      const probed = await whileProbing(server.url, async () => {
        const refused = [];
        for (let i = 0; i < 40; i++) {
          refused.push(await wsBatch(socket, 'mutation', 'participant.respond', respond(51)));
        }
        return refused;
      });
      expectResponsive(probed, '40 WebSocket messages of 51 calls');
      for (const answers of probed.result) {
        expect(tally(answers)).toEqual({ BATCH_TOO_LARGE: 51 });
        expect(answers[50]).toMatchObject({
          code: 'PAYLOAD_TOO_LARGE',
          details: { limit: LIMIT, got: 51 },
        });
      }
      const served = await wsBatch(socket, 'mutation', 'participant.respond', respond(50));
      expect(tally(served)).toEqual({ WRONG_PHASE: 50 });
      expect(socket.ws.readyState).toBe(socket.ws.OPEN); // the connection stays usable
      await waitFor(() => server.auditRows() >= auditBefore + 50, 'the 50 refusals audited');
      expect(server.auditRows()).toBe(auditBefore + 50);
      expect(server.counts()).toEqual(before);
      await world.expectUnchanged();
    } finally {
      await socket.close();
    }
  });
});

describe('--max-batch-size, far over', () => {
  it('closes a WebSocket whose one message holds more than ten times the limit (1008)', async () => {
    const socket = await RawTrpcSocket.open(server.wsUrl, alice);
    const auditBefore = server.auditRows();
    const ids = Array.from({ length: 20_000 }, (_, i) => `{"id":${i}}`).join(',');
    socket.send(`[${ids}]`); // 200 KB that would earn ~5 MB of answers
    expect(await socket.closed).toMatchObject({ code: 1008 });
    expect(socket.answered).toBe(0);
    // Another caller is served; nothing changed or was audited.
    expect((await world.coordinator.session.get.query({ sessionId: world.sessionId })).state).toBe(
      'round1',
    );
    expect(server.auditRows()).toBe(auditBefore);
    expect(server.counts()).toEqual(before);
  });
});

describe('refusals audited in batches', () => {
  it('writes a burst of refused submissions as rows without holding the event loop', async () => {
    // A participant the session does not name (a fresh principal: its whole burst ahead).
    const mallory = await server.token('hb-mallory', 'participant');
    const auditBefore = server.auditRows();
    const probed = await whileProbing(server.url, () =>
      Promise.all(
        Array.from({ length: 3 }, () =>
          httpBatch(server.url, mallory, 'mutation', 'participant.respond', respond(LIMIT)),
        ),
      ),
    );
    expectResponsive(probed, '150 refused calls, batches of 50');
    for (const { answers } of probed.result) expect(tally(answers)).toEqual({ NOT_FOUND: 50 });
    await waitFor(() => server.auditRows() >= auditBefore + 150, 'the 150 refusals audited');
    expect(server.auditRows()).toBe(auditBefore + 150);
    expect(server.counts()).toEqual(before);
    await world.expectUnchanged();
  });
});

describe('our client within the default limits', () => {
  it('runs 200 concurrent queries (batches of 50 over HTTP) and opens 60 subscriptions at once', async () => {
    const coordinator = createClient({
      url: server.url,
      token: await server.token('hb-counter', 'coordinator'),
    });
    const participant = createClient({ url: server.url, token: alice });
    try {
      const probed = await whileProbing(server.url, () =>
        Promise.all(Array.from({ length: 200 }, () => coordinator.auth.whoami.query())),
      );
      expectResponsive(probed, 'our client, 200 concurrent queries');
      expect(probed.result.every((p) => p.sub === 'hb-counter')).toBe(true);
      // wsLink sends the subscriptions of one tick as one array: split into arrays of 50.
      expect(MAX_BATCH_CALLS).toBeLessThanOrEqual(LIMIT);
      let started = 0;
      const errors: unknown[] = [];
      const subs = Array.from({ length: 60 }, () =>
        participant.participant.inbox.subscribe(undefined, {
          onStarted: () => started++,
          onError: (err) => errors.push(err),
        }),
      );
      await waitFor(() => started === 60 || errors.length > 0, '60 subscriptions started');
      expect(errors).toEqual([]);
      for (const s of subs) s.unsubscribe();
    } finally {
      await closeClient(coordinator);
      await closeClient(participant);
    }
    await world.expectCompletes();
    await server.expectHealthy();
  }, 60_000);
});
