/**
 * Clients that read nothing. One keeps sending tRPC requests over the WebSocket without reading
 * the answers: the server stops answering and closes it (1013) once the unsent bytes pass
 * `--subscriber-max-buffered-bytes`, so its memory stays bounded (it used to grow without end).
 * A subscriber that stops reading its inbox is disconnected the same way (see
 * test/sessions/subscriptions.test.ts) and, resuming from the last event it got, loses nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { clientFor, closeAll, completedKeygen, participants } from '../support/sessions.js';
import { waitFor } from '../support/signing.js';
import { Figures } from './support/abuse-figures.js';
import { startChildServer, type ChildServer } from './support/abuse-server.js';
import { RawTrpcSocket } from './support/abuse-trpc-ws.js';

const children: ChildServer[] = [];
afterEach(async () => {
  await closeAll();
  await Promise.all(children.splice(0).map((c) => c.close()));
});

const LIMIT = 65_536;
const MIB = 1024 * 1024;

describe('a client that sends requests but reads no answers', () => {
  it('is closed with 1013 once its unsent answers pass the bound, and server memory stays bounded', async () => {
    const server = await startChildServer([
      '--subscriber-max-buffered-bytes',
      String(LIMIT),
      '--log-level',
      'error',
      // By design 40 messages of 100 calls from one admin: over --max-batch-size and
      // --rate-limit, which would answer small refusals instead of the large answers wanted here.
      ...['--max-batch-size', '100', '--rate-limit', '1000000', '--rate-burst', '1000000'],
    ]);
    children.push(server);
    const token = await server.token('root', 'admin');
    const bystander = await RawTrpcSocket.open(server.wsUrl, token);
    const greedy = await RawTrpcSocket.open(server.wsUrl, token);
    greedy.keepReplies = false;
    const before = await server.memoryAfterGc();
    greedy.pause();
    // Each small request earns a ~30 KB answer (one issue per bad participant name).
    const request = { threshold: 'two', participants: Array(255).fill(0) };
    const frame = (n: number) =>
      `[${Array.from({ length: n }, () => greedy.frame('mutation', 'keygen.create', request).text).join(',')}]`;
    const requests = 40 * 100;
    for (let i = 0; i < 40; i++) greedy.send(frame(100)); // ~120 MB of answers if all were kept
    // Others are served meanwhile.
    expect((await bystander.request('query', 'auth.whoami', undefined)).result).toMatchObject({
      data: { sub: 'root' },
    });
    greedy.resume();
    const never = new Promise((resolve) => setTimeout(resolve, 60_000, 'never closed').unref());
    expect(await Promise.race([greedy.closed, never])).toEqual({
      code: 1013,
      reason: 'client too slow',
    });
    expect(greedy.answered).toBeLessThan(requests);
    const after = await server.memoryAfterGc();
    const grown = after.heapUsed + after.external - before.heapUsed - before.external;
    const figures = new Figures('overload-slow-clients');
    figures.add('requests sent unread', requests);
    figures.add('answered before the close', greedy.answered);
    figures.add('server memory growth KiB', Math.round(grown / 1024));
    figures.print();
    expect(grown).toBeLessThan(16 * MIB);
    expect((await bystander.request('query', 'auth.whoami', undefined)).result).toMatchObject({
      data: { sub: 'root' },
    });
    await bystander.close();
    await server.expectHealthy();
  }, 120_000);
});

describe('a subscriber that stops reading', () => {
  it('is disconnected (1013) and, resuming from its last event, misses nothing', async () => {
    await using server = await startTestServer({ subscriberMaxBufferedBytes: 16_384 });
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const members = await participants(server, ['alice', 'bob']);
    const keygen = await completedKeygen(coordinator, {
      threshold: 2,
      participants: ['alice', 'bob'],
    });
    const keyId = keygen.result!['keyId'] as string;
    for (const p of members) await p.stop();

    // Alice's inbox twice: a healthy subscription, and a raw one that will stop reading.
    const lastEventForAlice = () =>
      (
        server.services.sqlite
          .prepare(
            "select max(id) as id from session_events where recipient is null or recipient = 'alice'",
          )
          .get() as { id: number }
      ).id;
    const healthy: number[] = [];
    const aliceClient = await clientFor(server, 'alice', 'participant');
    aliceClient.participant.inbox.subscribe(undefined, {
      onData: (tracked) => healthy.push(Number(tracked.id)),
    });
    const slow = await RawTrpcSocket.open(server.wsUrl, await server.token('alice', 'participant'));
    const started = await slow.request('subscription', 'participant.inbox', {});
    expect(started.result?.type).toBe('started');
    const slowIds = () =>
      slow.replies.filter((r) => r.result?.type === 'data').map((r) => Number(r.result!.id));
    await waitFor(() => slowIds().at(-1) === lastEventForAlice(), 'the slow one caught up');
    slow.pause();

    const message = 'ab'.repeat(65_536); // each invitation carries it: big events
    let created = 0;
    while (server.services.sessions.stats().disconnectedTooSlow === 0) {
      await coordinator.sign.create.mutate({ keyId, message, participants: ['alice', 'bob'] });
      expect(++created, 'the slow subscriber was never disconnected').toBeLessThan(400);
    }
    slow.resume();
    expect(await slow.closed).toEqual({ code: 1013, reason: 'subscriber too slow' });
    const gotSlowly = slowIds();

    // Resuming after the last event it got: exactly the rest, none twice.
    const resumed: number[] = [];
    const again = await clientFor(server, 'alice', 'participant');
    again.participant.inbox.subscribe(
      { lastEventId: String(gotSlowly.at(-1)) },
      { onData: (tracked) => resumed.push(Number(tracked.id)) },
    );
    const last = lastEventForAlice();
    await waitFor(
      () => healthy.at(-1) === last && resumed.at(-1) === last,
      'both streams at the end',
    );
    expect(gotSlowly.length).toBeLessThan(healthy.length);
    expect([...gotSlowly, ...resumed]).toEqual(healthy);
  }, 120_000);
});
