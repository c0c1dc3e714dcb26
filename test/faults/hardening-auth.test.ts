// Hardening, tokens (docs/reliability.md, Limits; docs/sessions.md, Authorisation): `--jwt-jwks`
// needs https (loopback http only with --jwt-jwks-insecure), an issuer, an audience and an
// algorithm allow-list; subscriptions end when their token expires unless `auth.refresh`
// presented a newer one on the socket; subscriptions are not served over HTTP (no SSE). Each case
// drives `sigsocket serve` in a child process while /healthz is polled.
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, createClient, type SigSocketClient } from '../../client/trpc.js';
import type { SessionEvent } from '../../protocol/sessions.js';
import { generateDevCert } from '../../server/tls.js';
import { runCli } from '../support/cli.js';
import { ScriptedParticipant } from '../support/scripted-participant.js';
import { tempDir } from '../support/server.js';
import { waitFor } from '../support/signing.js';
import { startChildServer, type ChildServer } from './support/abuse-server.js';
import { RawTrpcSocket } from './support/abuse-trpc-ws.js';
import { expectMemoryNear, expectResponsive, whileProbing } from './support/hardening.js';

/** No token bucket in the way of what these cases measure (docs/reliability.md, Limits). */
const UNLIMITED_RATE = ['--rate-limit', '1000000', '--rate-burst', '1000000'];
const ISSUER = 'https://idp.example';
const AUDIENCE = 'sigsocket';

const opened: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

describe('--jwt-jwks start-up', () => {
  const full = [
    '--jwt-jwks',
    'https://127.0.0.1:9/jwks.json',
    '--jwt-issuer',
    ISSUER,
    '--jwt-audience',
    AUDIENCE,
    '--jwt-algorithms',
    'ES256',
  ];
  const without = (flag: string) => {
    const i = full.indexOf(flag);
    return [...full.slice(0, i), ...full.slice(i + 2)];
  };
  const replaced = (flag: string, value: string) =>
    full.map((v, i) => (full[i - 1] === flag ? value : v));
  const cases: Array<[string, string[], string]> = [
    ['no issuer', without('--jwt-issuer'), '--jwt-jwks needs --jwt-issuer'],
    ['no audience', without('--jwt-audience'), '--jwt-jwks needs --jwt-audience'],
    ['no algorithms', without('--jwt-algorithms'), '--jwt-jwks needs --jwt-algorithms'],
    [
      'HS256 allowed',
      replaced('--jwt-algorithms', 'ES256,HS256'),
      'not an asymmetric JWS algorithm: "HS256"',
    ],
    [
      'alg none allowed',
      replaced('--jwt-algorithms', 'none'),
      'not an asymmetric JWS algorithm: "none"',
    ],
    [
      'http, not loopback',
      replaced('--jwt-jwks', 'http://idp.example/jwks.json'),
      'fetched over https only',
    ],
    [
      'http, not loopback, insecure on',
      [...replaced('--jwt-jwks', 'http://idp.example/jwks.json'), '--jwt-jwks-insecure', 'on'],
      'fetched over https only',
    ],
    [
      'http loopback, insecure off',
      replaced('--jwt-jwks', 'http://127.0.0.1:9/jwks.json'),
      'needs --jwt-jwks-insecure on',
    ],
  ];

  it.each(cases)(
    'refuses %s: exits non-zero naming the problem, creating nothing',
    async (_what, args, message) => {
      const dataDir = tempDir('sigsocket-jwks-');
      const result = await runCli(['serve', '--port', '0', '--data-dir', dataDir, ...args]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(message);
      expect(fs.existsSync(path.join(dataDir, 'sigsocket.db'))).toBe(false);
    },
  );
});

describe('tokens of the external issuer (JWKS over https)', () => {
  let server: ChildServer;
  let jwksServer: https.Server;
  let es256: jose.CryptoKey;
  let rs256: jose.CryptoKey;
  let extraCa: string | undefined;

  beforeAll(async () => {
    const es = await jose.generateKeyPair('ES256');
    const rs = await jose.generateKeyPair('RS256');
    [es256, rs256] = [es.privateKey, rs.privateKey];
    const keys = [
      { ...(await jose.exportJWK(es.publicKey)), kid: 'e1', alg: 'ES256' },
      // In the JWKS, but RS256 is not in --jwt-algorithms.
      { ...(await jose.exportJWK(rs.publicKey)), kid: 'r1', alg: 'RS256' },
    ];
    const tls = await generateDevCert('127.0.0.1');
    jwksServer = https.createServer({ cert: tls.cert, key: tls.key }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    const caFile = path.join(tempDir('sigsocket-jwks-ca-'), 'ca.pem');
    fs.writeFileSync(caFile, tls.cert);
    // The child server trusts the JWKS server's certificate (read by Node at its start).
    extraCa = process.env['NODE_EXTRA_CA_CERTS'];
    process.env['NODE_EXTRA_CA_CERTS'] = caFile;
    const jwks = `https://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    server = await startChildServer([
      ...UNLIMITED_RATE,
      ...['--jwt-jwks', jwks, '--jwt-issuer', ISSUER, '--jwt-audience', AUDIENCE],
      ...['--jwt-algorithms', 'ES256,EdDSA'],
    ]);
  }, 60_000);

  afterAll(async () => {
    if (extraCa === undefined) delete process.env['NODE_EXTRA_CA_CERTS'];
    else process.env['NODE_EXTRA_CA_CERTS'] = extraCa;
    await server?.close();
    jwksServer?.close();
  });

  const external = (claims: { aud?: string }, key = es256, alg = 'ES256', kid = 'e1') =>
    new jose.SignJWT({ role: 'coordinator', ...claims })
      .setProtectedHeader({ alg, kid })
      .setSubject('erin')
      .setIssuer(ISSUER)
      .setExpirationTime('10m')
      .sign(key);

  async function whoami(token: string) {
    const res = await fetch(`${server.url}/trpc/auth.whoami`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as {
      result?: { data: unknown };
      error?: { message: string; data: { appCode: string } };
    };
    return { status: res.status, ...body };
  }

  it('refuses a token for another audience, none, or an algorithm outside the list; accepts the right one', async () => {
    const right = await external({ aud: AUDIENCE });
    const refused = {
      'another audience': await external({ aud: 'other-app' }),
      'no audience': await external({}),
      'RS256 (in the JWKS, not in the list)': await external(
        { aud: AUDIENCE },
        rs256,
        'RS256',
        'r1',
      ),
    };
    const before = server.counts();
    const probed = await whileProbing(server.url, async () => {
      const answers: Record<string, { status: number; appCode?: string; message?: string }> = {};
      for (let round = 0; round < 50; round++) {
        for (const [what, token] of Object.entries(refused)) {
          const answer = await whoami(token);
          answers[what] = {
            status: answer.status,
            appCode: answer.error?.data.appCode,
            message: answer.error?.message,
          };
          const create = await fetch(`${server.url}/trpc/keygen.create`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ threshold: 2, participants: ['a', 'b'] }),
          });
          expect(create.status).toBe(401);
        }
      }
      return answers;
    });
    expectResponsive(probed, 'external tokens refused (150 × 2 calls)');
    expect(probed.result['another audience']).toMatchObject({
      status: 401,
      appCode: 'UNAUTHORIZED',
    });
    expect(probed.result['another audience']!.message).toMatch(/aud/);
    expect(probed.result['no audience']).toMatchObject({ status: 401, appCode: 'UNAUTHORIZED' });
    expect(probed.result['RS256 (in the JWKS, not in the list)']).toEqual({
      status: 401,
      appCode: 'UNAUTHORIZED',
      message: 'tokens signed with RS256 are not accepted',
    });
    expect(server.counts()).toEqual(before);
    // The right token, over HTTP and over the WebSocket.
    expect(await whoami(right)).toMatchObject({
      status: 200,
      result: { data: { sub: 'erin', role: 'coordinator' } },
    });
    const socket = await RawTrpcSocket.open(server.wsUrl, right);
    expect((await socket.request('query', 'auth.whoami', undefined)).result).toMatchObject({
      data: { sub: 'erin', role: 'coordinator' },
    });
    await socket.close();
    await server.expectHealthy();
  });
});

/** Inbox events as one subscriber saw them. */
interface Seen {
  events: SessionEvent[];
  started: number;
  errors: Array<{ message: string; appCode: string | undefined }>;
}

function followInbox(client: SigSocketClient): Seen & { stop(): void } {
  const seen: Seen = { events: [], started: 0, errors: [] };
  const sub = client.participant.inbox.subscribe(undefined, {
    onStarted: () => seen.started++,
    onData: (tracked) => seen.events.push(tracked.data as SessionEvent),
    onError: (err) =>
      seen.errors.push({
        message: err.message,
        appCode: (err as { data?: { appCode?: string } }).data?.appCode,
      }),
  });
  return Object.assign(seen, { stop: () => sub.unsubscribe() });
}

describe('subscriptions and the token expiry', () => {
  let server: ChildServer;
  let coordinator: SigSocketClient;

  beforeAll(async () => {
    server = await startChildServer(UNLIMITED_RATE);
    // carol and dave are invited to every keygen and never answer: each keygen puts one
    // invitation in carol's inbox, and nothing else happens.
    for (const name of ['carol', 'dave']) {
      const p = new ScriptedParticipant(name, {
        url: server.url,
        token: await server.token(name, 'participant'),
      });
      await p.register();
      await p.stop();
    }
    coordinator = createClient({
      url: server.url,
      token: await server.token('coord', 'coordinator'),
    });
    opened.push(() => closeClient(coordinator));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  /** Creates a keygen every `everyMs` for `forMs`; its ids. */
  async function invitations(forMs: number, everyMs = 250): Promise<string[]> {
    const ids: string[] = [];
    const until = Date.now() + forMs;
    while (Date.now() < until) {
      const { session } = await coordinator.keygen.create.mutate({
        threshold: 2,
        participants: ['carol', 'dave'],
      });
      ids.push(session.id);
      await new Promise((r) => setTimeout(r, everyMs));
    }
    return ids;
  }

  const invitedTo = (seen: Seen) => new Set(seen.events.map((e) => e.sessionId));

  it('a subscriber that refreshes its 4 s token keeps every event past the expiry, on the same socket; one that does not gets UNAUTHORIZED and nothing after', async () => {
    const baseline = await server.memoryAfterGc();
    let minted = 0;
    const refreshing = createClient({
      url: server.url,
      token: () => (minted++, server.token('carol', 'participant', '4s')),
    });
    const fixed = createClient({
      url: server.url,
      token: await server.token('carol', 'participant', '4s'),
    });
    opened.push(
      () => closeClient(refreshing),
      () => closeClient(fixed),
    );
    const a = followInbox(refreshing);
    const b = followInbox(fixed);
    await waitFor(() => a.started === 1 && b.started === 1, 'both subscriptions to start', 30_000);
    const before = server.counts();

    const probed = await whileProbing(server.url, () => invitations(10_000));
    expectResponsive(probed, 'subscriptions across a 4 s token, 10 s');
    const created = probed.result;
    await waitFor(
      () => created.every((id) => invitedTo(a).has(id)),
      'every invitation to reach the refreshing subscriber',
      30_000,
    );

    // Refreshing: everything, once, in order, one start (no reconnect, no resubscription).
    expect(a.errors).toEqual([]);
    expect(a.started).toBe(1);
    const ids = a.events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    expect(minted).toBeGreaterThanOrEqual(3); // the first token, then at least two refreshes

    // Not refreshing: UNAUTHORIZED "token expired" on the stream, and nothing after it.
    expect(b.errors).toEqual([{ message: 'token expired', appCode: 'UNAUTHORIZED' }]);
    const atError = b.events.length;
    expect(atError).toBeLessThan(created.length);
    expect(invitedTo(b).has(created.at(-1)!)).toBe(false);
    const more = await invitations(1_000);
    await waitFor(() => more.every((id) => invitedTo(a).has(id)), 'the later invitations', 30_000);
    expect(b.events.length).toBe(atError);
    // Only the coordinator's keygens were added.
    expect(server.counts().sessions - before.sessions).toBe(created.length + more.length);
    a.stop();
    await closeClient(refreshing);
    await closeClient(fixed);
    expectMemoryNear(baseline, await server.memoryAfterGc(), 'token expiry and refresh');
    await server.expectHealthy();
  }, 60_000);

  it('auth.refresh: the same sub and role only, a valid token only, over the WebSocket only; after an expiry it restores the socket', async () => {
    const socket = await RawTrpcSocket.open(
      server.wsUrl,
      await server.token('carol', 'participant', '3s'),
    );
    const sub = socket.frame('subscription', 'participant.inbox', undefined);
    socket.send(sub.text);
    const refresh = async (token: string) =>
      (await socket.request('mutation', 'auth.refresh', { token })).error?.data?.appCode ?? 'ok';
    expect(await refresh(await server.token('dave', 'participant'))).toBe('FORBIDDEN');
    expect(await refresh(await server.token('carol', 'admin'))).toBe('FORBIDDEN');
    expect(await refresh('not-a-jwt')).toBe('UNAUTHORIZED');
    expect(await refresh(await server.token('carol', 'participant', '0s'))).toBe('UNAUTHORIZED');
    // The refused refreshes changed nothing: the stream ends at the first token's expiry.
    await waitFor(
      () => socket.replies.some((r) => r.id === sub.id && r.error),
      'the subscription to end',
      10_000,
    );
    const ended = socket.replies.find((r) => r.id === sub.id && r.error)!;
    expect(ended.error).toMatchObject({
      message: 'token expired',
      data: { appCode: 'UNAUTHORIZED' },
    });
    expect((await socket.request('query', 'auth.whoami', undefined)).error?.data?.appCode).toBe(
      'UNAUTHORIZED',
    );
    // A new token of the same sub and role brings the connection back.
    expect(await refresh(await server.token('carol', 'participant'))).toBe('ok');
    expect((await socket.request('query', 'auth.whoami', undefined)).result?.data).toEqual({
      sub: 'carol',
      role: 'participant',
    });
    expect(
      (await socket.request('subscription', 'participant.inbox', undefined)).result?.type,
    ).toBe('started');
    await socket.close();
    // Over HTTP: BAD_REQUEST, whatever the token.
    const res = await fetch(`${server.url}/trpc/auth.refresh`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await server.token('carol', 'participant')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ token: await server.token('carol', 'participant') }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; data: { appCode: string } } };
    expect(body.error.data.appCode).toBe('BAD_REQUEST');
    expect(body.error.message).toMatch(/only over the WebSocket/);
  }, 30_000);

  it('serves no subscription over HTTP (no SSE): a typed 400 at once, no stream, while another caller is served', async () => {
    const token = await server.token('carol', 'participant');
    const baseline = await server.memoryAfterGc();
    const before = server.counts();
    const other = await RawTrpcSocket.open(server.wsUrl, await server.token('dave', 'participant'));
    const input = encodeURIComponent(JSON.stringify({}));
    const targets = [
      `/trpc/participant.inbox?input=${input}`,
      `/trpc/session.watch?input=${encodeURIComponent(JSON.stringify({ sessionId: 'x' }))}`,
      `/trpc/signer.attach`,
      `/trpc/participant.inbox,auth.whoami?batch=1&input=${encodeURIComponent('{}')}`,
    ];
    const probed = await whileProbing(server.url, async () => {
      const answers: Array<{ status: number; type: string | null; appCode: string | undefined }> =
        [];
      for (let i = 0; i < 500; i++) {
        const res = await fetch(server.url + targets[i % targets.length]!, {
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        });
        const body = (await res.json()) as
          | { error?: { data: { appCode: string } } }
          | Array<{ error?: { data: { appCode: string } } }>;
        const error = Array.isArray(body) ? body[0]!.error : body.error;
        answers.push({
          status: res.status,
          type: res.headers.get('content-type'),
          appCode: error?.data.appCode,
        });
      }
      return answers;
    });
    expectResponsive(probed, '500 subscription GETs over HTTP');
    for (const answer of probed.result) {
      expect(answer).toEqual({ status: 400, type: 'application/json', appCode: 'BAD_REQUEST' });
    }
    expect((await other.request('subscription', 'participant.inbox', undefined)).result?.type).toBe(
      'started',
    );
    await other.close();
    expect(server.counts()).toEqual(before);
    expectMemoryNear(baseline, await server.memoryAfterGc(), 'subscriptions over HTTP');
    await server.expectHealthy();
  }, 30_000);
});
