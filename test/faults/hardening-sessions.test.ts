// Hardening, sessions (docs/reliability.md, Limits): running-session caps, bounded
// session.list pages, lazy restore of many running sessions, pending challenges per principal.
// Each case drives `sigsocket serve` in a child process while /healthz is polled.
import { afterEach, describe, expect, it } from 'vitest';
import type { SigSocketClient } from '../../client/trpc.js';
import { issueToken } from '../../server/auth/jwt.js';
import { loadOrCreateSecret } from '../../server/auth/secret.js';
import type { Role } from '../../protocol/identity.js';
import { MAX_MESSAGE_BYTES } from '../../protocol/frost/schemas.js';
import { MAX_LIST_LIMIT, identityProofMessage } from '../../protocol/sessions.js';
import { publicKeyOf, randomSecretKey, signMessage } from '../../protocol/ecdsa/sign.js';
import { bytesToHex } from '../../protocol/encoding.js';
import type { SessionView } from '../../protocol/session-view.js';
import { spawnServe, type ServeProcess } from '../support/cli.js';
import {
  appCode,
  clientFor,
  closeAll,
  completedKeygen,
  failure,
  participants,
  type TokenSource,
} from '../support/sessions.js';
import { waitFor } from '../support/signing.js';
import { startChildServer, type ChildServer } from './support/abuse-server.js';
import { expectMemoryNear, expectResponsive, whileProbing } from './support/hardening.js';

/** The rate limiter is another helper's case: out of the way here. */
const NO_RATE_LIMIT = ['--rate-limit', '1000000', '--rate-burst', '1000000'];
/** Calls per HTTP batch, within the default --max-batch-size. */
const BATCH = 50;

const servers: ChildServer[] = [];
afterEach(async () => {
  await closeAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function childServer(args: string[]): Promise<ChildServer> {
  const server = await startChildServer([...NO_RATE_LIMIT, ...args]);
  servers.push(server);
  return server;
}

/** `count` calls, `BATCH` at a time (the client batches the calls of one tick into one POST). */
async function inBatches<T>(count: number, call: (k: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let k = 0; k < count; k += BATCH) {
    const size = Math.min(BATCH, count - k);
    out.push(...(await Promise.all(Array.from({ length: size }, (_, i) => call(k + i)))));
  }
  return out;
}

const NAMES = ['alice', 'bob'];
const keygen = { threshold: 2, participants: NAMES };

describe('running-session caps', () => {
  it('refuses a coordinator over its cap and the server over its total, typed, changing nothing', async () => {
    const server = await childServer([
      '--max-running-sessions-per-coordinator',
      '5',
      '--max-running-sessions',
      '8',
    ]);
    await participants(server, NAMES, { alice: { silent: true }, bob: { silent: true } });
    const first = await clientFor(server, 'coord-1', 'coordinator');
    const second = await clientFor(server, 'coord-2', 'coordinator');
    const mine = await Promise.all(
      Array.from({ length: 5 }, () => first.keygen.create.mutate(keygen)),
    );
    const baseline = await server.memoryAfterGc();

    const before = server.counts();
    const auditBefore = server.auditRows();
    const refused = await failure(first.keygen.create.mutate(keygen));
    expect(refused).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      appCode: 'TOO_MANY_SESSIONS',
      details: { limit: 5, running: 5, scope: 'coordinator' },
    });
    // Through session.create and sign.create alike (the one create path).
    const viaSession = first.session.create.mutate({ kind: 'keygen', request: keygen });
    expect(await appCode(viaSession)).toBe('TOO_MANY_SESSIONS');

    const probed = await whileProbing(server.url, () =>
      inBatches(500, () => appCode(first.keygen.create.mutate(keygen))),
    );
    expectResponsive(probed, '500 creates over the per-coordinator cap');
    expect(new Set(probed.result)).toEqual(new Set(['TOO_MANY_SESSIONS']));
    expect(server.counts()).toEqual(before);
    // Every refusal is audited (in batches, so after a flush): 1 + 1 + 500.
    await waitFor(() => server.auditRows() >= auditBefore + 502, 'the refused creates audited');
    expect(server.auditRows()).toBe(auditBefore + 502);

    // Another coordinator is still served, up to the server's total.
    for (let k = 0; k < 3; k++) await second.keygen.create.mutate(keygen);
    const full = await failure(second.keygen.create.mutate(keygen));
    expect(full).toMatchObject({
      appCode: 'TOO_MANY_SESSIONS',
      details: { limit: 8, running: 8, scope: 'server' },
    });

    // An ended session frees its slot.
    await first.session.abort.mutate({ sessionId: mine[0]!.session.id });
    const again = await first.keygen.create.mutate(keygen);
    expect(again.created).toBe(true);
    expect(await appCode(first.keygen.create.mutate(keygen))).toBe('TOO_MANY_SESSIONS');
    // An idempotent repeat of a session that exists is answered, not counted.
    const repeat = await first.keygen.create.mutate({ ...keygen, sessionId: again.session.id });
    expect(repeat.created).toBe(false);

    expectMemoryNear(baseline, await server.memoryAfterGc(), 'refused creates');
    await server.expectHealthy();
  });
});

describe('session.list', () => {
  it('answers summaries without messages, pages of at most 100, twenty at once', async () => {
    const server = await childServer([]);
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const members = await participants(server, NAMES);
    const key = await completedKeygen(coordinator, keygen);
    const keyId = key.result!['keyId'] as string;
    for (const p of members) p.hold('respond'); // the signings wait in `inviting`
    const message = 'ab'.repeat(MAX_MESSAGE_BYTES);
    const signs = MAX_LIST_LIMIT + 5;
    // Five 128 KiB requests per batch keep each POST under --max-trpc-message-bytes (1 MiB).
    for (let k = 0; k < signs; k += 5) {
      await Promise.all(
        Array.from({ length: 5 }, () =>
          coordinator.sign.create.mutate({ keyId, message, participants: NAMES }),
        ),
      );
    }
    const baseline = await server.memoryAfterGc();
    const before = server.counts();

    const over = await failure(coordinator.session.list.query({ limit: MAX_LIST_LIMIT + 1 }));
    expect(over).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_REQUEST' });
    expect(over.message).toContain('limit');

    const page = await coordinator.session.list.query({ limit: MAX_LIST_LIMIT });
    expect(page).toHaveLength(MAX_LIST_LIMIT);
    expect(await coordinator.session.list.query()).toHaveLength(50); // the default
    for (const row of page) {
      expect(row).not.toHaveProperty('message');
      expect(row).not.toHaveProperty('result');
      expect(row).toMatchObject({ kind: 'sign', state: 'inviting', participants: NAMES, keyId });
    }
    // A row holds names, ids and counts: with two participants far under 2 KiB, whatever the
    // message (a 64 KiB message would be 128 KiB of hex in each row).
    const pageBytes = JSON.stringify(page).length;
    expect(pageBytes).toBeLessThan(MAX_LIST_LIMIT * 2048);
    // The summary agrees with session.get on what both show.
    const full: SessionView = await coordinator.session.get.query({ sessionId: page[0]!.id });
    const {
      message: _m,
      result: _r,
      phase: _p,
      commitRound: _c,
      participants: members_,
      ...shared
    } = full;
    expect(page[0]).toEqual({ ...shared, participants: members_.map((p) => p.name) });

    // Twenty full pages in one batched GET.
    const token = await server.token('coord', 'coordinator');
    const paths = Array.from({ length: 20 }, () => 'session.list').join(',');
    const input = Object.fromEntries(
      Array.from({ length: 20 }, (_, k) => [k, { limit: MAX_LIST_LIMIT }]),
    );
    const url = `${server.url}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
    const probed = await whileProbing(server.url, async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: await res.text() };
    });
    expectResponsive(probed, 'twenty session.list pages in one batch');
    expect(probed.result.status).toBe(200);
    const answers = JSON.parse(probed.result.body) as Array<{ result: { data: unknown[] } }>;
    expect(answers.map((a) => a.result.data.length)).toEqual(Array(20).fill(MAX_LIST_LIMIT));
    expect(probed.result.body.length).toBeLessThan(20 * MAX_LIST_LIMIT * 2048);
    console.log(
      `hardening figures (session.list): ${signs} sign sessions with ${MAX_MESSAGE_BYTES}-byte ` +
        `messages; a page of ${MAX_LIST_LIMIT} is ${pageBytes} bytes; 20 pages ` +
        `${probed.result.body.length} bytes`,
    );

    expect(server.counts()).toEqual(before);
    // Another caller is served: a participant lists the sessions that name it.
    const alice = await clientFor(server, 'alice', 'participant');
    expect(await alice.session.list.query({ limit: 10 })).toHaveLength(10);
    expectMemoryNear(baseline, await server.memoryAfterGc(), 'twenty session.list pages');
    await server.expectHealthy();
  }, 120_000);
});

describe('restart with many running sessions', () => {
  it('restores 300 sessions lazily: the same views, and their deadlines still fire', async () => {
    const first = await childServer(['--min-session-timeout-ms', '50']);
    await participants(first, NAMES, { alice: { silent: true }, bob: { silent: true } });
    const coordinator = await clientFor(first, 'coord', 'coordinator');
    const count = 300;
    const inviteMs = 20_000;
    const created = await inBatches(count, () =>
      coordinator.keygen.create.mutate({ ...keygen, timeouts: { inviteMs } }),
    );
    const ids = created.map((c) => c.session.id);
    const views = await inBatches(count, (k) =>
      coordinator.session.get.query({ sessionId: ids[k]! }),
    );
    await closeAll();
    await first.close();

    // The same data directory, a new process (the first one's state lives only in SQLite).
    const restarted = await restartOn(first.dataDir);
    try {
      const again = await clientFor(restarted, 'coord', 'coordinator');
      const after = await inBatches(count, (k) => again.session.get.query({ sessionId: ids[k]! }));
      expect(after).toEqual(views);
      // A restored session acts at once on first use.
      await again.session.abort.mutate({ sessionId: ids[0]! });
      expect((await again.session.get.query({ sessionId: ids[0]! })).state).toBe('aborted');
      // Every other deadline fires in the new process.
      const deadline = Math.max(...views.map((v) => v.deadline!));
      await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
      let states: string[] = [];
      await waitFor(async () => {
        const now = await inBatches(count, (k) => again.session.get.query({ sessionId: ids[k]! }));
        states = now.map((v) => v.state);
        return states.slice(1).every((s) => s === 'timed_out');
      }, 'every restored session timed out');
      const timedOut = await again.session.get.query({ sessionId: ids[1]! });
      expect(timedOut).toMatchObject({ state: 'timed_out', waitingFor: NAMES, deadline: null });
      expect(restarted.process.output()).toContain(`"restored":${count}`);
    } finally {
      await closeAll();
      restarted.process.child.kill('SIGTERM');
      await restarted.process.exited;
    }
  }, 90_000);
});

/** `sigsocket serve` again on a data directory another child server used. */
async function restartOn(
  dataDir: string,
): Promise<TokenSource & { process: ServeProcess; url: string }> {
  const serve = await spawnServe([
    '--data-dir',
    dataDir,
    '--min-session-timeout-ms',
    '50',
    '--log-level',
    'info',
    ...NO_RATE_LIMIT,
  ]);
  const secret = loadOrCreateSecret(dataDir);
  return {
    url: serve.url,
    process: serve,
    token: (sub: string, role: Role, ttl = '1h') => issueToken(secret, { sub, role, ttl }),
  };
}

describe('registration challenges', () => {
  it("one participant's 10,000 challenges evict only its own", async () => {
    const server = await childServer([]);
    const honest = await clientFor(server, 'honest', 'participant');
    const flooder = await clientFor(server, 'flooder', 'participant');
    // The honest participant asks first, then registers after the flood with that challenge.
    const { challenge } = await honest.participant.challenge.mutate();
    const baseline = await server.memoryAfterGc();
    const before = server.counts();
    const probed = await whileProbing(server.url, () =>
      inBatches(10_000, () => flooder.participant.challenge.mutate()),
    );
    expectResponsive(probed, '10,000 challenges from one participant');
    expect(server.counts()).toEqual(before);

    await registerWith(honest, 'honest', challenge);
    expect(server.counts().participants).toBe(before.participants + 1);
    // The flooder keeps its newest eight; its older ones are gone.
    const flood = probed.result.map((c) => c.challenge);
    expect(await appCode(registerWith(flooder, 'flooder', flood.at(-9)!))).toBe('INVALID_PROOF');
    await registerWith(flooder, 'flooder', flood.at(-1)!);
    expect(server.counts().participants).toBe(before.participants + 2);
    expectMemoryNear(baseline, await server.memoryAfterGc(), '10,000 challenges');
    await server.expectHealthy();
  }, 60_000);
});

/** participant.register with a fresh identity key and the given challenge. */
function registerWith(client: SigSocketClient, name: string, challenge: string) {
  const secretKey = randomSecretKey();
  const identityKey = bytesToHex(publicKeyOf(secretKey));
  const message = identityProofMessage(name, identityKey, challenge);
  const signature = bytesToHex(signMessage(secretKey, message));
  return client.participant.register.mutate({ identityKey, challenge, signature });
}
