// Hardening, subscriptions (docs/reliability.md, Limits): `--max-subscriptions-per-connection`
// (64) and `--max-subscriptions-per-principal` (256, over all of a sub's sockets), taken when a
// subscription starts and given back however it ends (stopped, socket closed, refused input,
// token expired). Each case drives `sigsocket serve` in a child process (default limits; no
// token bucket in the way) while /healthz is polled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/signing.js';
import { startChildServer, type ChildServer, type RowCounts } from './support/abuse-server.js';
import { RawTrpcSocket, type TrpcReply } from './support/abuse-trpc-ws.js';
import { expectMemoryNear, expectResponsive, whileProbing } from './support/hardening.js';

const PER_CONNECTION = 64;
const PER_PRINCIPAL = 256;

let server: ChildServer;
let idle: { heapUsed: number; external: number };
let before: RowCounts;
const sockets: RawTrpcSocket[] = [];

beforeAll(async () => {
  server = await startChildServer(['--rate-limit', '1000000', '--rate-burst', '1000000']);
  idle = await server.memoryAfterGc();
  before = server.counts();
}, 60_000);

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await server?.close();
});

async function socketOf(sub: string, ttl = '1h'): Promise<RawTrpcSocket> {
  const socket = await RawTrpcSocket.open(
    server.wsUrl,
    await server.token(sub, 'participant', ttl),
  );
  sockets.push(socket);
  return socket;
}

/** What subscribing to the inbox `n` times on `socket` came to: started, or the app code. */
async function subscribe(socket: RawTrpcSocket, n: number, input: unknown = undefined) {
  const replies = await Promise.all(
    Array.from({ length: n }, () => socket.request('subscription', 'participant.inbox', input)),
  );
  return replies;
}

function outcome(reply: TrpcReply): string {
  if (reply.result?.type === 'started') return 'started';
  return reply.error?.data?.appCode ?? `no appCode (${JSON.stringify(reply)})`;
}

function tally(replies: TrpcReply[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of replies) counts[outcome(r)] = (counts[outcome(r)] ?? 0) + 1;
  return counts;
}

const detailsOf = (reply: TrpcReply) =>
  (reply.error?.data as { details?: Record<string, unknown> } | undefined)?.details;

/** Stops subscriptions and waits until the server says each stopped. */
async function stop(socket: RawTrpcSocket, replies: TrpcReply[]): Promise<void> {
  for (const r of replies) socket.stop(r.id!);
  const ids = new Set(replies.map((r) => r.id));
  await waitFor(
    () =>
      socket.replies.filter((r) => ids.has(r.id) && r.result?.type === 'stopped').length ===
      ids.size,
    'the subscriptions to stop',
    30_000,
  );
}

describe('--max-subscriptions-per-connection', () => {
  it('admits 64 on one socket, refuses the 65th with TOO_MANY_SUBSCRIPTIONS, and admits again after some stop', async () => {
    const socket = await socketOf('p-conn');
    // Refused input is released too: 100 bad subscriptions first take nothing away. (Attempts in
    // flight hold their slot until refused, so they go in rounds smaller than the limit.)
    for (let round = 0; round < 4; round++) {
      expect(tally(await subscribe(socket, 25, { junk: 1 }))).toEqual({ BAD_REQUEST: 25 });
    }
    const first = await subscribe(socket, PER_CONNECTION);
    expect(tally(first)).toEqual({ started: PER_CONNECTION });
    const [over] = await subscribe(socket, 1);
    expect(outcome(over!)).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(over!.error?.message).toBe(
      'too many subscriptions: at most 64 subscriptions on one connection',
    );
    expect(detailsOf(over!)).toEqual({ limit: PER_CONNECTION, scope: 'connection' });
    // Another socket of the same principal still has room.
    const other = await socketOf('p-conn');
    expect(tally(await subscribe(other, 1))).toEqual({ started: 1 });
    await stop(socket, first.slice(0, 4));
    expect(tally(await subscribe(socket, 5))).toEqual({ started: 4, TOO_MANY_SUBSCRIPTIONS: 1 });
    expect(server.counts()).toEqual(before);
  });
});

describe('--max-subscriptions-per-principal', () => {
  it('counts one sub over all its sockets: the 257th is refused on a socket with room; another principal is served; /healthz answers during 2,000 refused attempts', async () => {
    const mine = await Promise.all(Array.from({ length: 5 }, () => socketOf('p-many')));
    const started = await Promise.all(mine.slice(0, 4).map((s) => subscribe(s, PER_CONNECTION)));
    expect(tally(started.flat())).toEqual({ started: PER_PRINCIPAL });
    const [over] = await subscribe(mine[4]!, 1);
    expect(outcome(over!)).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(detailsOf(over!)).toEqual({ limit: PER_PRINCIPAL, scope: 'principal' });

    const auditBefore = server.auditRows();
    const probed = await whileProbing(server.url, async () => {
      const replies: TrpcReply[] = [];
      for (let round = 0; round < 20; round++) {
        const batch = await Promise.all(mine.map((s) => subscribe(s, 20)));
        replies.push(...batch.flat());
      }
      return replies;
    });
    expectResponsive(probed, '2,000 subscriptions over the limits');
    expect(tally(probed.result)).toEqual({ TOO_MANY_SUBSCRIPTIONS: 2_000 });
    expect(server.counts()).toEqual(before);
    expect(server.auditRows()).toBe(auditBefore);

    // Another principal is served meanwhile.
    const stranger = await socketOf('p-other');
    expect(tally(await subscribe(stranger, 3))).toEqual({ started: 3 });
    // Stopping one on any socket gives the principal one back, on any other.
    await stop(mine[0]!, started[0]!.slice(0, 1));
    expect(tally(await subscribe(mine[4]!, 2))).toEqual({ started: 1, TOO_MANY_SUBSCRIPTIONS: 1 });

    // Closing the sockets gives everything back; memory returns near the idle baseline.
    await Promise.all(mine.map((s) => s.close()));
    await waitFor(
      async () => {
        const fresh = await socketOf('p-many');
        const replies = await subscribe(fresh, PER_CONNECTION);
        const all = tally(replies).started === PER_CONNECTION;
        await fresh.close();
        return all;
      },
      'the closed sockets to give their subscriptions back',
      30_000,
    );
    await stranger.close();
    expectMemoryNear(idle, await server.memoryAfterGc(), 'subscriptions after the sockets closed');
    await server.expectHealthy();
  }, 60_000);

  it('gives subscriptions back when their token expires, with the sockets still open', async () => {
    const mine = await Promise.all(Array.from({ length: 4 }, () => socketOf('p-expiring', '4s')));
    const started = await Promise.all(mine.map((s) => subscribe(s, PER_CONNECTION)));
    expect(tally(started.flat())).toEqual({ started: PER_PRINCIPAL });
    const fresh = await socketOf('p-expiring');
    expect(tally(await subscribe(fresh, 1))).toEqual({ TOO_MANY_SUBSCRIPTIONS: 1 });
    const ended = (s: RawTrpcSocket) =>
      s.replies.filter((r) => r.error?.data?.appCode === 'UNAUTHORIZED').length;
    await waitFor(
      () => mine.every((s) => ended(s) === PER_CONNECTION),
      'every subscription to end at the expiry',
      15_000,
    );
    expect(mine.every((s) => s.ws.readyState === s.ws.OPEN)).toBe(true);
    expect(tally(await subscribe(fresh, PER_CONNECTION))).toEqual({ started: PER_CONNECTION });
    await server.expectHealthy();
  }, 30_000);
});
