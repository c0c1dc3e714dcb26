/**
 * Bad tokens, table-driven: expired, tampered (signature, payload, header), signed with the
 * right secret for another issuer or no issuer, unsigned (alg none), another secret, an
 * asymmetric token when no JWKS is configured, a JWKS server's token from a key or issuer it
 * does not trust, and claims that do not hold. Each against a public, an authenticated and a
 * role-gated procedure and a subscription, over HTTP and the WebSocket, and POST /sign. A
 * token that expires while its WebSocket stays open stops working on the next call.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';
import { b64, postSign, testKey, waitFor } from '../support/signing.js';
import { outcomeOverHttp, SocketPool, type Outcome } from './support/abuse-outcomes.js';
import { Figures } from './support/abuse-figures.js';
import { procedures, type ProcedureInfo } from './support/abuse-procedures.js';
import { RawTrpcSocket } from './support/abuse-trpc-ws.js';

const U = 'UNAUTHORIZED';
const JWKS_ISSUER = 'https://idp.example';
const JWKS_AUDIENCE = 'sigsocket';

/** One of each kind of procedure, with the outcome a caller without a valid token gets. */
const PROBES: Array<{ path: string; input: unknown; refused: Outcome }> = [
  { path: 'signer.status', input: undefined, refused: 'ok' }, // public: a bad token is ignored
  { path: 'auth.whoami', input: undefined, refused: U },
  { path: 'keygen.create', input: { threshold: 2, participants: ['a', 'b'] }, refused: U },
  { path: 'session.watch', input: { sessionId: 'x' }, refused: U },
];

let server: TestServer;
let jwksServer: TestServer;
let secret: Uint8Array;
let jwksServerSecret: Uint8Array;
let trusted: jose.CryptoKey;
let untrusted: jose.CryptoKey;

function claims(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: 'mallory',
    role: 'admin',
    iss: 'sigsocket',
    aud: JWKS_AUDIENCE, // ignored by the server's own (HS256) check
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
}

const sign = (
  payload: Record<string, unknown>,
  key: Uint8Array | jose.CryptoKey,
  header: jose.JWTHeaderParameters,
) => new jose.SignJWT(payload).setProtectedHeader(header).sign(key);
const hs256 = (payload: Record<string, unknown>, key = secret) =>
  sign(payload, key, { alg: 'HS256', typ: 'JWT' });
const es256 = (payload: Record<string, unknown>, key: jose.CryptoKey, kid = 'k1') =>
  sign(payload, key, { alg: 'ES256', kid });

function segments(token: string): [string, string, string] {
  return token.split('.') as [string, string, string];
}
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  server = await startTestServer();
  secret = secretOf(server);
  const pair = await jose.generateKeyPair('ES256', { extractable: true });
  trusted = pair.privateKey;
  ({ privateKey: untrusted } = await jose.generateKeyPair('ES256'));
  const jwksFile = path.join(tempDir(), 'jwks.json');
  const jwk = { ...(await jose.exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  jwksServer = await startTestServer({
    jwtJwks: jwksFile,
    jwtIssuer: JWKS_ISSUER,
    jwtAudience: JWKS_AUDIENCE,
    jwtAlgorithms: 'ES256',
  });
  jwksServerSecret = secretOf(jwksServer);
}, 60_000);

function secretOf(s: TestServer): Uint8Array {
  return Buffer.from(fs.readFileSync(path.join(s.dataDir, 'jwt-secret'), 'utf8').trim(), 'hex');
}

const figures = new Figures('authorisation-tokens');

afterAll(async () => {
  figures.print();
  await server?.close();
  await jwksServer?.close();
});

/** Every bad token: its name, the token, the server it is sent to. */
async function badTokens(): Promise<Array<{ what: string; token: string; target: TestServer }>> {
  const good = await hs256(claims());
  const [header, payload, signature] = segments(good);
  const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
  const now = Math.floor(Date.now() / 1000);
  const { iss: _iss, ...noIssuer } = claims();
  const { exp: _exp, ...noExpiry } = claims();
  return [
    { what: 'expired', token: await hs256(claims({ exp: now - 10 })), target: server },
    { what: 'tampered signature', token: `${header}.${payload}.${flipped}`, target: server },
    {
      what: 'tampered payload (role)',
      token: `${header}.${encode(claims({ role: 'admin', sub: 'root' }))}.${signature}`,
      target: server,
    },
    {
      what: 'header switched to alg none',
      token: `${encode({ alg: 'none' })}.${payload}.`,
      target: server,
    },
    {
      what: 'unsigned (alg none)',
      token: new jose.UnsecuredJWT(claims()).encode(),
      target: server,
    },
    {
      what: 'another secret',
      token: await hs256(claims(), new Uint8Array(32).fill(7)),
      target: server,
    },
    {
      what: 'right secret, issuer "other"',
      token: await hs256(claims({ iss: 'other' })),
      target: server,
    },
    { what: 'right secret, no issuer', token: await hs256(noIssuer), target: server },
    { what: 'right secret, no expiry', token: await hs256(noExpiry), target: server },
    {
      what: 'right secret, unknown role',
      token: await hs256(claims({ role: 'superuser' })),
      target: server,
    },
    {
      what: 'right secret, invalid sub',
      token: await hs256(claims({ sub: ' root' })),
      target: server,
    },
    {
      what: 'ES256 with no JWKS configured',
      token: await es256(claims({ iss: JWKS_ISSUER }), trusted),
      target: server,
    },
    {
      what: 'JWKS: a key it does not hold',
      token: await es256(claims({ iss: JWKS_ISSUER }), untrusted, 'k2'),
      target: jwksServer,
    },
    {
      what: 'JWKS: its kid, another key',
      token: await es256(claims({ iss: JWKS_ISSUER }), untrusted),
      target: jwksServer,
    },
    {
      what: 'JWKS: its key, another issuer',
      token: await es256(claims({ iss: 'https://other.example' }), trusted),
      target: jwksServer,
    },
    {
      what: 'JWKS: the server secret, its issuer',
      token: await hs256(claims({ iss: JWKS_ISSUER }), jwksServerSecret),
      target: jwksServer,
    },
    { what: 'not a JWT', token: 'not-a-jwt', target: server },
  ];
}

const probe = (path: string): ProcedureInfo => procedures().find((p) => p.path === path)!;

describe('bad tokens', () => {
  it('are refused with 401 UNAUTHORIZED by every procedure that needs a token, over HTTP and WebSocket', async () => {
    const pools = new Map([server, jwksServer].map((s) => [s, new SocketPool(s.wsUrl)]));
    const expected: Record<string, Record<string, Outcome>> = {};
    const actual: Record<string, Record<string, Outcome>> = {};
    for (const { what, token, target } of await badTokens()) {
      figures.add('bad tokens');
      figures.add('calls refused or ignored as expected', PROBES.length * 2 + 1);
      expected[what] = {};
      actual[what] = {};
      for (const { path: p, input, refused } of PROBES) {
        // Subscriptions are served over the WebSocket only: over HTTP every one is BAD_REQUEST.
        const overHttp = probe(p).type === 'subscription' ? 'BAD_REQUEST' : refused;
        expected[what]![`${p} http`] = overHttp;
        expected[what]![`${p} ws`] = refused;
        actual[what]![`${p} http`] = await outcomeOverHttp(target.url, probe(p), input, token);
        actual[what]![`${p} ws`] = await pools.get(target)!.outcome(probe(p), input, token);
      }
      const signed = await postSign(
        target.url,
        { public_key: testKey().publicKey, message: b64('m') },
        token,
      );
      expected[what]!['POST /sign'] = '401 UNAUTHORIZED';
      actual[what]!['POST /sign'] = `${signed.status} ${signed.body.code}`;
    }
    for (const pool of pools.values()) await pool.close();
    expect(actual).toEqual(expected);
  });

  it('tell why: expired, issuer, algorithm', async () => {
    const answer = async (token: string, target = server) =>
      (await outcomeMessage(target, token)).toLowerCase();
    const now = Math.floor(Date.now() / 1000);
    expect(await answer(await hs256(claims({ exp: now - 10 })))).toBe('token expired');
    expect(await answer(await hs256(claims({ iss: 'other' })))).toMatch(/iss/);
    expect(await answer(await es256(claims(), trusted))).toMatch(/es256 are not accepted/);
  });

  it('the controls pass: a good token of each issuer', async () => {
    const pool = new SocketPool(server.wsUrl);
    expect(await pool.outcome(probe('auth.whoami'), undefined, await hs256(claims()))).toBe('ok');
    await pool.close();
    const jwksPool = new SocketPool(jwksServer.wsUrl);
    expect(
      await jwksPool.outcome(
        probe('auth.whoami'),
        undefined,
        await es256(claims({ iss: JWKS_ISSUER }), trusted),
      ),
    ).toBe('ok');
    await jwksPool.close();
  });
});

async function outcomeMessage(target: TestServer, token: string): Promise<string> {
  const res = await fetch(`${target.url}/trpc/auth.whoami`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as { error: { message: string } }).error.message;
}

describe('a token that expires while its WebSocket stays open', () => {
  it('stops working on the next call of that connection', async () => {
    // 5 s: `iat` is whole seconds, so the token may live only 4; the first call must still fit.
    const token = await server.token('alice', 'coordinator', '5s');
    const socket = await RawTrpcSocket.open(server.wsUrl, token);
    expect((await socket.request('query', 'auth.whoami', undefined)).result).toMatchObject({
      data: { sub: 'alice' },
    });
    let last: string | undefined;
    await waitFor(
      async () => {
        const reply = await socket.request('query', 'auth.whoami', undefined);
        last = reply.error?.data?.appCode;
        return last !== undefined;
      },
      'the token to expire',
      20_000,
    );
    expect(last).toBe(U);
    const reply = await socket.request('mutation', 'keygen.create', {
      threshold: 2,
      participants: ['a', 'b'],
    });
    expect(reply.error).toMatchObject({ message: 'token expired', data: { appCode: U } });
    await socket.close();
  });
});
