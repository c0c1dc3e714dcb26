import { describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema.js';
import { base64Encode } from '../../protocol/encoding.js';
import { startTestServer } from '../support/server.js';
import { b64, connectLegacy, getJson, postSign, testKey } from '../support/signing.js';

describe('GET /status and /connected', () => {
  it('counts connections, distinct signers and pending requests', async () => {
    await using server = await startTestServer();
    expect(await getJson(server.url, '/status')).toEqual({
      connections: 0,
      signers: 0,
      pending: 0,
      legacy: 0,
      typed: 0,
      publicUrl: server.url,
      legacyProof: true,
      warnings: [],
    });
    const a = testKey();
    const b = testKey();
    const a1 = await connectLegacy(server, a);
    await connectLegacy(server, a);
    await connectLegacy(server, b);
    const token = await server.token('carol', 'coordinator');
    const call = postSign(server.url, { public_key: b.publicKey, message: b64('hi') }, token);
    await expect
      .poll(() => getJson(server.url, '/status'))
      .toMatchObject({ connections: 3, signers: 2, pending: 1, legacy: 3, typed: 0 });
    await a1.close();
    await expect
      .poll(() => getJson(server.url, '/status'))
      .toMatchObject({ connections: 2, signers: 2 });
    void call;
  });

  it('answers /connected for hex and URL-encoded base64 keys with the normalised key', async () => {
    await using server = await startTestServer();
    const key = testKey();
    const base64 = base64Encode(Buffer.from(key.publicKey, 'hex'));
    expect(await getJson(server.url, `/connected/${key.publicKey}`)).toEqual({
      public_key: key.publicKey,
      connected: false,
    });
    await connectLegacy(server, key);
    for (const form of [key.publicKey, key.publicKey.toUpperCase(), encodeURIComponent(base64)]) {
      expect(await getJson(server.url, `/connected/${form}`)).toEqual({
        public_key: key.publicKey,
        connected: true,
      });
    }
    const bad = await fetch(`${server.url}/connected/nope`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'BAD_REQUEST',
      error: expect.stringMatching(/public key/),
    });
  });
});

describe('POST /sign', () => {
  it('needs a coordinator or admin token: 401 without or with a bad one, 403 for a participant', async () => {
    await using server = await startTestServer();
    const key = testKey();
    await connectLegacy(server, key);
    const body = { public_key: key.publicKey, message: b64('m') };
    expect(await postSign(server.url, body)).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHORIZED', error: expect.stringMatching(/bearer/) },
    });
    expect(await postSign(server.url, body, 'not.a.token')).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHORIZED' },
    });
    const participant = await server.token('pat', 'participant');
    expect(await postSign(server.url, body, participant)).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
  });

  it('is open with --sign-auth off (the seed behaviour)', async () => {
    await using server = await startTestServer({ signAuth: 'off' });
    const key = testKey();
    const signer = await connectLegacy(server, key);
    const call = postSign(server.url, { public_key: key.publicKey, message: b64('open') });
    const m = await signer.next();
    signer.respond(m, key.sign(m));
    expect((await call).status).toBe(200);
  });

  it('answers 400 BAD_REQUEST naming what is wrong', async () => {
    await using server = await startTestServer();
    const token = await server.token('carol', 'coordinator');
    const key = testKey();
    const cases: [unknown, RegExp][] = [
      ['{not json', /not valid JSON/],
      [{ message: b64('x') }, /public_key/],
      [{ public_key: key.publicKey, message: '***' }, /message: invalid base64/],
      [{ public_key: key.publicKey, message: '' }, /message/],
      [{ public_key: 'abcd', message: b64('x') }, /invalid public key/],
      [{ public_key: key.publicKey, message: b64('x'), timeout_ms: -5 }, /timeout_ms/],
      [{ public_key: key.publicKey, message: b64('x'), timeout_ms: 1.5 }, /timeout_ms/],
      [
        { public_key: key.publicKey, message: base64Encode(new Uint8Array(50_000)) },
        /at most 49077 bytes/,
      ],
    ];
    for (const [body, error] of cases) {
      const result = await postSign(server.url, body, token);
      expect(result.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(result.body.code).toBe('BAD_REQUEST');
      expect(result.body.error).toMatch(error);
    }
    const huge = await postSign(
      server.url,
      { public_key: key.publicKey, message: base64Encode(new Uint8Array(200_000)) },
      token,
    );
    expect(huge).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('records every request and its outcome in the audit log, without the message or signature', async () => {
    await using server = await startTestServer();
    const key = testKey();
    const signer = await connectLegacy(server, key);
    const token = await server.token('carol', 'coordinator');
    const call = postSign(
      server.url,
      { public_key: key.publicKey, message: b64('audited') },
      token,
    );
    const m = await signer.next();
    signer.respond(m, key.sign(m));
    await call;
    await postSign(server.url, { public_key: testKey().publicKey, message: b64('nobody') }, token);
    await expect
      .poll(
        () =>
          server.services.db
            .select()
            .from(auditLog)
            .all()
            .filter((r) => r.action === 'sign_request').length,
      )
      .toBe(2);
    const rows = server.services.db
      .select()
      .from(auditLog)
      .all()
      .filter((r) => r.action === 'sign_request');
    expect(rows.map((r) => [r.actor, r.role, r.outcome])).toEqual([
      ['carol', 'coordinator', 'ok'],
      ['carol', 'coordinator', 'SIGNER_NOT_CONNECTED'],
    ]);
    expect(rows[0]!.detail).toEqual({
      publicKey: key.publicKey,
      messageBytes: 7,
      signer: 'legacy',
      via: 'http',
    });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/sigsocket_sign_requests_total\{outcome="ok"\} 1/);
    expect(metrics).toMatch(/sigsocket_sign_requests_total\{outcome="SIGNER_NOT_CONNECTED"\} 1/);
    expect(metrics).toMatch(/sigsocket_sign_latency_seconds_count 1/);
    expect(metrics).toMatch(/sigsocket_signers\{kind="legacy"\} 1/);
  });
});
