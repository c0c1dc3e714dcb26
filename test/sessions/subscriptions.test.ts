import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SubscriberQueue } from '../../server/sessions/subscriber-queue.js';
import type { SessionEvent } from '../../protocol/sessions.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  participants,
  pinned,
  waitForState,
  watchSession,
} from '../support/sessions.js';
import { waitFor } from '../support/signing.js';

afterEach(closeAll);

const NAMES = ['alice', 'bob', 'carol'];

/** Every event in alice's inbox, read by a fresh subscription from the start. */
async function fullInbox(
  server: TestServer,
  name: string,
  until: (e: SessionEvent) => boolean,
): Promise<number[]> {
  const client = await clientFor(server, name, 'participant');
  const ids: number[] = [];
  let done = false;
  const sub = client.participant.inbox.subscribe(undefined, {
    onData: (tracked) => {
      ids.push(tracked.data.id);
      if (until(tracked.data)) done = true;
    },
  });
  await waitFor(() => done, `${name}'s full inbox`);
  sub.unsubscribe();
  return ids;
}

describe('resumable subscriptions', () => {
  it('a participant that disconnects mid-keygen misses no event and sees none twice', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [alice, , carol] = await participants(server, NAMES);
    carol!.hold('round1');
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    await pinned(coordinator, session.id, 'round1', ['carol']);
    await alice!.disconnect();
    const seenBefore = alice!.eventIds().length;
    carol!.release('round1');
    // The session moves on without alice listening, then waits for her round-2 shares.
    await pinned(coordinator, session.id, 'round2', ['alice']);
    expect(alice!.eventIds()).toHaveLength(seenBefore);
    alice!.start();
    const done = await waitForState(coordinator, session.id);
    expect(done.state).toBe('completed');
    const ids = alice!.eventIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const isEnd = (e: SessionEvent) => e.type === 'session_completed';
    await waitFor(() => alice!.received.some(isEnd), 'alice hears the end');
    expect(ids).toEqual(await fullInbox(server, 'alice', isEnd));
  });

  it('session.watch resumes from lastEventId with exactly the missed events', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const [, bob] = await participants(server, NAMES);
    bob!.hold('confirm');
    const { session } = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
    });
    const first = watchSession(coordinator, session.id);
    await waitForState(coordinator, session.id, ['confirming']);
    await waitFor(
      () =>
        first.events.some((e) => e.type === 'phase_changed' && e.payload['phase'] === 'confirming'),
      'confirming seen',
    );
    first.stop();
    const lastId = first.events.at(-1)!.id;
    bob!.release('confirm');
    await waitForState(coordinator, session.id);
    const resumed = watchSession(coordinator, session.id, lastId);
    const full = watchSession(coordinator, session.id);
    const ended = (w: typeof full) => w.events.some((e) => e.type === 'session_completed');
    await waitFor(() => ended(resumed) && ended(full), 'both watches reach the end');
    expect([...first.events, ...resumed.events].map((e) => e.id)).toEqual(
      full.events.map((e) => e.id),
    );
    expect(resumed.events[0]!.id > lastId || Number(resumed.events[0]!.id) > Number(lastId)).toBe(
      true,
    );
  });

  it('keeps each subscriber queue bounded and loses nothing when it overflows', async () => {
    await using server = await startTestServer({ subscriberBuffer: 3 });
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    await participants(server, NAMES, {
      alice: { silent: true },
      bob: { silent: true },
      carol: { silent: true },
    });
    await waitFor(
      () => server.services.sessions.stats().subscribers === 3,
      'participants subscribed',
    );
    // A subscriber that is not pulling: events pile up in its queue (capacity 3) and overflow.
    const stream = server.services.sessions.inbox(
      { sub: 'alice', role: 'participant' },
      undefined,
      {},
    );
    const firstPull = stream.next();
    for (let i = 0; i < 8; i++)
      await coordinator.keygen.create.mutate({ threshold: 2, participants: NAMES });
    // Server-side, a tracked item is the tuple [id, event, marker].
    const idOf = (result: IteratorResult<unknown>) => Number((result.value as [string])[0]);
    const ids = [idOf(await firstPull)];
    while (ids.length < 16) ids.push(idOf(await stream.next()));
    await stream.return(undefined);
    // 8 sessions × (alice's invitation + the phase_changed broadcast), in order, none twice.
    expect(new Set(ids).size).toBe(16);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(server.services.sessions.stats().subscribers).toBe(3);
  });

  it('SubscriberQueue never holds more than its capacity', async () => {
    const queue = new SubscriberQueue<number>(3);
    for (let i = 0; i < 10; i++) {
      queue.push(i);
      expect(queue.length).toBeLessThanOrEqual(3);
    }
    expect(await queue.take(undefined)).toBe('overflow');
    queue.push(42);
    expect(await queue.take(undefined)).toBe(42);
  });
});

describe('slow subscribers', () => {
  it('closes a WebSocket subscriber that stops reading (1013) and keeps the server bounded', async () => {
    await using server = await startTestServer({ subscriberMaxBufferedBytes: 16_384 });
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const members = await participants(server, ['alice', 'bob']);
    const keygen = await completedKeygen(coordinator, {
      threshold: 2,
      participants: ['alice', 'bob'],
    });
    const keyId = keygen.result!['keyId'] as string;
    for (const p of members) await p.stop();
    await waitFor(() => server.services.sessions.stats().subscribers === 0, 'participants gone');

    // A raw tRPC WebSocket client that subscribes to alice's inbox, then stops reading.
    const ws = new WebSocket(`${server.wsUrl}/trpc?connectionParams=1`);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(
      JSON.stringify({
        method: 'connectionParams',
        data: { token: await server.token('alice', 'participant') },
      }),
    );
    ws.send(
      JSON.stringify({
        id: 1,
        jsonrpc: '2.0',
        method: 'subscription',
        params: { path: 'participant.inbox', input: {} },
      }),
    );
    let invites = 0;
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    await new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        const text = String(data);
        if (text.includes('"type":"sign_invite"')) invites++;
        if (text.includes('"started"')) resolve();
      }),
    );
    (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    // Big events for alice: each sign invitation carries the 64 KiB message (as hex).
    const message = 'ab'.repeat(65_536);
    let created = 0;
    while (server.services.sessions.stats().disconnectedTooSlow === 0) {
      await coordinator.sign.create.mutate({ keyId, message, participants: ['alice', 'bob'] });
      created++;
      expect(created, 'the slow subscriber was never disconnected').toBeLessThan(400);
    }
    // The subscription is gone from the server; more events do not reach it.
    await waitFor(() => server.services.sessions.stats().subscribers === 0, 'subscriber released');
    for (let i = 0; i < 3; i++)
      await coordinator.sign.create.mutate({ keyId, message, participants: ['alice', 'bob'] });
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const close = await closed;
    expect(close).toEqual({ code: 1013, reason: 'subscriber too slow' });
    // Nothing after the disconnection reached it.
    expect(invites).toBeLessThanOrEqual(created);
    const sessions = await coordinator.session.list.query({ kind: 'sign', state: 'inviting' });
    expect(sessions.length).toBe(created + 3);
  });
});
