// Hardening, rate limit (docs/reliability.md, Limits): a token bucket per principal
// (`--rate-limit` 100/s, `--rate-burst` 200, the defaults) in front of every tRPC procedure and
// POST /sign. Each case drives `sigsocket serve` in a child process while /healthz is polled.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testKey, waitFor } from '../support/signing.js';
import { httpBatch, tally, wsBatch, type CallAnswer } from './support/abuse-batches.js';
import { startChildServer, type ChildServer } from './support/abuse-server.js';
import { RawTrpcSocket } from './support/abuse-trpc-ws.js';
import { expectMemoryNear, expectResponsive, whileProbing } from './support/hardening.js';

const RATE = 100;
const BURST = 200;
/** Calls per batch (the default --max-batch-size). */
const BATCH = 50;

const servers: ChildServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function childServer(args: string[] = []): Promise<ChildServer> {
  const server = await startChildServer(args);
  servers.push(server);
  return server;
}

/** The rate_limit rows of audit_log: one per principal per second, with its count. */
function rateLimitRows(server: ChildServer): Array<{ actor: string; count: number }> {
  const db = new Database(path.join(server.dataDir, 'sigsocket.db'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    return db
      .prepare(
        "select actor, json_extract(detail, '$.count') as count from audit_log where action = 'rate_limit'",
      )
      .all() as Array<{ actor: string; count: number }>;
  } finally {
    db.close();
  }
}

const sum = (rows: Array<{ count: number }>) => rows.reduce((a, r) => a + r.count, 0);

describe('requests per principal per second', () => {
  it('refuses most of a 5,000-call flood from one principal, typed, and serves another', async () => {
    const server = await childServer();
    const flooder = await server.token('rl-flooder', 'coordinator');
    const other = await server.token('rl-other', 'coordinator');
    const before = server.counts();
    const baseline = await server.memoryAfterGc();
    const socket = await RawTrpcSocket.open(server.wsUrl, flooder);
    socket.keepReplies = true;
    const otherAnswers: CallAnswer[] = [];
    const retryAfter: Array<string | null> = [];
    const started = performance.now();
    const probed = await whileProbing(server.url, async () => {
      let flooding = true;
      // Another principal, one call every 20 ms while the flood runs: it has its own bucket.
      const bystander = (async () => {
        while (flooding) {
          const { answers } = await httpBatch(server.url, other, 'query', 'auth.whoami', [null]);
          otherAnswers.push(...answers);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const answers: CallAnswer[] = [];
      const overHttp = (async () => {
        for (let round = 0; round < 5; round++) {
          const replies = await Promise.all(
            Array.from({ length: 10 }, () =>
              httpBatch(server.url, flooder, 'query', 'auth.whoami', Array(BATCH).fill(null)),
            ),
          );
          for (const r of replies) {
            answers.push(...r.answers);
            if (r.answers.some((a) => a.appCode === 'RATE_LIMITED')) retryAfter.push(r.retryAfter);
          }
        }
      })();
      const overWs = (async () => {
        for (let i = 0; i < 50; i++) {
          answers.push(...(await wsBatch(socket, 'query', 'auth.whoami', Array(BATCH).fill(null))));
        }
      })();
      await Promise.all([overHttp, overWs]);
      flooding = false;
      await bystander;
      return answers;
    });
    const elapsedS = (performance.now() - started) / 1000;
    await socket.close();
    expectResponsive(probed, 'one principal, 5,000 calls');

    const answers = probed.result;
    expect(answers).toHaveLength(5_000);
    const counted = tally(answers);
    expect(Object.keys(counted).sort()).toEqual(['RATE_LIMITED', 'ok']);
    // The bound: the burst, then the rate, over the time the flood took (measured around it).
    expect(counted['ok']).toBeLessThanOrEqual(BURST + Math.ceil(RATE * elapsedS));
    expect(counted['ok']).toBeGreaterThanOrEqual(BURST);
    expect(counted['RATE_LIMITED']).toBeGreaterThan(2_500);
    for (const a of answers.filter((x) => !x.ok)) {
      expect(a.code).toBe('TOO_MANY_REQUESTS');
      expect(a.details?.['retryAfterMs']).toBeGreaterThan(0);
    }
    expect(retryAfter.length).toBeGreaterThan(0);
    for (const r of retryAfter) expect(Number(r)).toBeGreaterThanOrEqual(1);
    console.log(
      `hardening figures (rate limit): ${counted['ok']} served, ${counted['RATE_LIMITED']} refused in ${elapsedS.toFixed(1)} s`,
    );

    // The other principal was served all along.
    expect(otherAnswers.length).toBeGreaterThan(0);
    expect(tally(otherAnswers)).toEqual({ ok: otherAnswers.length });
    // The refusals are audited, a row per principal and second, their counts adding up.
    await waitFor(
      () => sum(rateLimitRows(server)) === counted['RATE_LIMITED'],
      'the refusals audited',
    );
    const rows = rateLimitRows(server);
    expect(new Set(rows.map((r) => r.actor))).toEqual(new Set(['rl-flooder']));
    expect(rows.length).toBeLessThanOrEqual(Math.ceil(elapsedS) + 2);
    expect(server.counts()).toEqual(before);
    expectMemoryNear(baseline, await server.memoryAfterGc(), 'one principal, 5,000 calls');
    await server.expectHealthy();
  }, 60_000);

  it('keys callers without a token by address, and answers 429 with Retry-After', async () => {
    const server = await childServer();
    const token = await server.token('rl-named', 'coordinator');
    const probed = await whileProbing(server.url, () =>
      Promise.all(
        Array.from({ length: 6 }, () =>
          httpBatch(server.url, undefined, 'query', 'signer.status', Array(BATCH).fill(null)),
        ),
      ),
    );
    expectResponsive(probed, 'anonymous, 300 calls');
    const counted = tally(probed.result.flatMap((r) => r.answers));
    expect(counted['ok']).toBeGreaterThanOrEqual(BURST);
    expect(counted['ok']).toBeLessThan(300);
    // The same address with a token has a bucket of its own.
    const named = await httpBatch(server.url, token, 'query', 'signer.status', [null]);
    expect(tally(named.answers)).toEqual({ ok: 1 });
    // A single (unbatched) call that is refused: 429 and a Retry-After in seconds.
    let res: Response;
    do res = await fetch(`${server.url}/trpc/signer.status`);
    while (res.status === 200);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as { error: { data: Record<string, unknown> } };
    expect(body.error.data).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      appCode: 'RATE_LIMITED',
      details: { retryAfterMs: expect.any(Number) },
    });
    await waitFor(() => rateLimitRows(server).length > 0, 'the refusals audited');
    expect(rateLimitRows(server).map((r) => r.actor)).toEqual(
      expect.arrayContaining(['ip:127.0.0.1']),
    );
  }, 60_000);

  it('applies the same buckets to POST /sign, shared with tRPC calls', async () => {
    // A slow bucket, so the refill during the flood stays small however slow this machine is.
    const server = await childServer(['--rate-limit', '1', '--rate-burst', '20']);
    const token = await server.token('rl-signer-user', 'coordinator');
    const key = testKey(); // never connected: every admitted request is SIGNER_NOT_CONNECTED
    const before = server.counts();
    const sign = async () => {
      const res = await fetch(`${server.url}/sign`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ public_key: key.publicKey, message: 'aGVsbG8=' }),
      });
      const body = (await res.json()) as { code: string };
      return { status: res.status, code: body.code, retryAfter: res.headers.get('retry-after') };
    };
    const started = performance.now();
    const probed = await whileProbing(server.url, async () => {
      const out = [];
      for (let round = 0; round < 5; round++) {
        out.push(...(await Promise.all(Array.from({ length: 20 }, sign))));
      }
      return out;
    });
    const elapsedS = (performance.now() - started) / 1000;
    expectResponsive(probed, 'POST /sign, 100 requests');
    const codes: Record<string, number> = {};
    for (const r of probed.result) codes[r.code] = (codes[r.code] ?? 0) + 1;
    expect(codes['SIGNER_NOT_CONNECTED']).toBeGreaterThanOrEqual(20);
    expect(codes['SIGNER_NOT_CONNECTED']).toBeLessThanOrEqual(20 + Math.ceil(elapsedS));
    expect(codes['RATE_LIMITED']).toBe(100 - codes['SIGNER_NOT_CONNECTED']!);
    for (const r of probed.result.filter((x) => x.code === 'RATE_LIMITED')) {
      expect(r.status).toBe(429);
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // The same principal's tRPC calls take from the same bucket.
    const { answers } = await httpBatch(
      server.url,
      token,
      'query',
      'auth.whoami',
      Array(10).fill(null),
    );
    expect(tally(answers)['RATE_LIMITED']).toBeGreaterThanOrEqual(5);
    expect(server.counts()).toEqual(before);
  }, 60_000);
});
