import { describe, expect, it } from 'vitest';
import { loadVerifier } from '../../protocol/ecdsa/verifier.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  b64,
  connectLegacy,
  getJson,
  postSign,
  testKey,
  toDer,
  toHighS,
  unb64,
  waitFor,
  type TestKey,
} from '../support/signing.js';

const verifier = loadVerifier('noble');
const text = (s: string) => new TextEncoder().encode(s);

async function coordinator(server: TestServer): Promise<string> {
  return server.token('carol', 'coordinator');
}

/** POST /sign as a coordinator. */
async function sign(
  server: TestServer,
  key: TestKey,
  message: Uint8Array,
  extra: Record<string, unknown> = {},
) {
  return postSign(
    server.url,
    { public_key: key.publicKey, message: b64(message), ...extra },
    await coordinator(server),
  );
}

describe('legacy signing over /ws', () => {
  it('answers several requests in flight out of order, and verifies each', async () => {
    await using server = await startTestServer();
    const key = testKey();
    const signer = await connectLegacy(server, key);
    const messages = ['one', 'two', 'three'].map(text);
    const calls = messages.map((m) => sign(server, key, m));
    const received = [await signer.next(), await signer.next(), await signer.next()];
    for (const m of [...received].reverse()) signer.respond(m, key.sign(m));
    const results = await Promise.all(calls);
    results.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(unb64(r.body.response!)).toEqual(messages[i]);
      expect(
        verifier.verify(unb64(r.body.signature!), messages[i]!, Buffer.from(key.publicKey, 'hex')),
      ).toBe(true);
    });
  });

  it('answers identical messages first-in first-out', async () => {
    await using server = await startTestServer();
    const key = testKey();
    const signer = await connectLegacy(server, key);
    const message = text('same');
    const compact = key.sign(message);
    const first = sign(server, key, message);
    await signer.next();
    const second = sign(server, key, message);
    await signer.next();
    // The first answer (DER) settles the older request, the second (compact) the newer one.
    signer.respond(message, toDer(compact));
    const a = await first;
    signer.respond(message, compact);
    const b = await second;
    expect(a.status).toBe(200);
    expect(unb64(a.body.signature!)).toEqual(toDer(compact));
    expect(b.status).toBe(200);
    expect(unb64(b.body.signature!)).toEqual(compact);
  });

  it.each(['on', 'off'])(
    'accepts DER and high-S signatures and returns them as sent (--verify-thread %s)',
    async (verifyThread) => {
      await using server = await startTestServer({ verifyThread });
      const key = testKey();
      const signer = await connectLegacy(server, key);
      for (const form of [toDer, toHighS, (c: Uint8Array) => toDer(toHighS(c))]) {
        const message = text(`form ${form.name}`);
        const call = sign(server, key, message);
        const m = await signer.next();
        const signature = form(key.sign(m));
        signer.respond(m, signature);
        const result = await call;
        expect(result.status).toBe(200);
        expect(unb64(result.body.signature!)).toEqual(signature);
      }
    },
  );

  it.each(['on', 'off'])(
    "answers 502 INVALID_SIGNATURE for another key's signature, INVALID_RESPONSE for junk (--verify-thread %s)",
    async (verifyThread) => {
      await using server = await startTestServer({ verifyThread });
      const key = testKey();
      const signer = await connectLegacy(server, key);
      const call = sign(server, key, text('pay 5'));
      const m = await signer.next();
      signer.respond(m, testKey().sign(m));
      expect(await call).toMatchObject({ status: 502, body: { code: 'INVALID_SIGNATURE' } });

      const junk = sign(server, key, text('pay 6'));
      const m2 = await signer.next();
      signer.respond(m2, new Uint8Array(20).fill(9));
      expect(await junk).toMatchObject({ status: 502, body: { code: 'INVALID_RESPONSE' } });
    },
  );

  it('counts a wrong echo as a protocol error and keeps the request pending', async () => {
    await using server = await startTestServer();
    const key = testKey();
    const signer = await connectLegacy(server, key);
    const call = sign(server, key, text('real'));
    const m = await signer.next();
    const wrong = text('not asked');
    signer.respond(wrong, key.sign(wrong));
    await waitFor(
      async () =>
        /sigsocket_protocol_errors_total\{kind="unmatched_response"\} 1/.test(
          await metrics(server),
        ),
      'metric',
    );
    signer.respond(m, key.sign(m));
    expect((await call).status).toBe(200);
  });

  it('times out with 504 TIMEOUT when the signer stays silent', async () => {
    await using server = await startTestServer();
    const key = testKey();
    const signer = await connectLegacy(server, key);
    const result = await sign(server, key, text('silence'), { timeout_ms: 200 });
    expect(result).toMatchObject({ status: 504, body: { code: 'TIMEOUT' } });
    expect(result.body.error).toMatch(/200 ms/);
    // A late answer is an unmatched echo now.
    const m = await signer.next();
    signer.respond(m, key.sign(m));
    await waitFor(
      async () => /kind="unmatched_response"\} 1/.test(await metrics(server)),
      'metric',
    );
  });

  it('caps timeout_ms at --max-sign-timeout-ms', async () => {
    // (The sign timeout also bounds the legacy handshake: 1 s leaves a loaded machine room.)
    await using server = await startTestServer({ signTimeoutMs: 1000, maxSignTimeoutMs: 1000 });
    const key = testKey();
    await connectLegacy(server, key);
    const result = await sign(server, key, text('capped'), { timeout_ms: 3_600_000 });
    expect(result).toMatchObject({ status: 504, body: { code: 'TIMEOUT' } });
    expect(result.body.error).toMatch(/1000 ms/);
  });

  it('fails pending requests at once with SIGNER_DISCONNECTED when the signer drops', async () => {
    await using server = await startTestServer();
    const key = testKey();
    const signer = await connectLegacy(server, key);
    const call = sign(server, key, text('pending'), { timeout_ms: 120_000 });
    await signer.next();
    signer.ws.terminate();
    expect(await call).toMatchObject({ status: 502, body: { code: 'SIGNER_DISCONNECTED' } });
  });

  it('sends requests to the newest connection for a key and falls back when it drops', async () => {
    await using server = await startTestServer();
    const key = testKey();
    const older = await connectLegacy(server, key);
    const newer = await connectLegacy(server, key);
    expect(await getJson(server.url, '/status')).toMatchObject({ connections: 2, signers: 1 });

    const call = sign(server, key, text('to newest'));
    const m = await newer.next();
    newer.respond(m, key.sign(m));
    expect((await call).status).toBe(200);
    expect(older.queued).toBe(0);

    await newer.close();
    await waitFor(
      async () =>
        ((await getJson(server.url, '/status')) as { connections: number }).connections === 1,
      'drop',
    );
    const again = sign(server, key, text('to older'));
    const m2 = await older.next();
    older.respond(m2, key.sign(m2));
    expect((await again).status).toBe(200);
  });

  it('answers 429 TOO_MANY_PENDING beyond --max-pending-per-signer', async () => {
    await using server = await startTestServer({ maxPendingPerSigner: 2 });
    const key = testKey();
    const signer = await connectLegacy(server, key);
    const a = sign(server, key, text('a'));
    const b = sign(server, key, text('b'));
    await signer.next();
    await signer.next();
    expect(await sign(server, key, text('c'))).toMatchObject({
      status: 429,
      body: { code: 'TOO_MANY_PENDING' },
    });
    await signer.close();
    await Promise.all([a, b]);
  });

  it('answers 404 SIGNER_NOT_CONNECTED for a key nobody holds', async () => {
    await using server = await startTestServer();
    expect(await sign(server, testKey(), text('x'))).toMatchObject({
      status: 404,
      body: { code: 'SIGNER_NOT_CONNECTED' },
    });
  });
});

async function metrics(server: TestServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}
