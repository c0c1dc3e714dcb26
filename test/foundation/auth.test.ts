import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { closeClient, createClient, type AppRouter } from '../../client/trpc.js';
import { issueToken } from '../../server/auth/jwt.js';
import { runCli } from '../support/cli.js';
import { startTestServer, tempDir } from '../support/server.js';

async function whoami(url: string, token?: string) {
  const client = createClient({ url, ...(token ? { token } : {}) });
  try {
    return await client.auth.whoami.query();
  } finally {
    await closeClient(client);
  }
}

async function errorOf(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCClientError);
  return err as TRPCClientError<AppRouter>;
}

describe('auth', () => {
  it('whoami returns the token subject and role', async () => {
    await using server = await startTestServer();
    expect(await whoami(server.url, await server.token('alice', 'coordinator'))).toEqual({
      sub: 'alice',
      role: 'coordinator',
    });
  });

  it('refuses a missing, tampered, foreign or expired token with 401', async () => {
    await using server = await startTestServer();
    const good = await server.token('alice', 'coordinator');
    const tampered = good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA');
    const foreign = await issueToken(new Uint8Array(32).fill(7), { sub: 'alice', role: 'admin' });
    const expired = await new jose.SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('sigsocket')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(
        new Uint8Array(
          Buffer.from(
            fs.readFileSync(path.join(server.dataDir, 'jwt-secret'), 'utf8').trim(),
            'hex',
          ),
        ),
      );
    for (const token of [undefined, 'not-a-jwt', tampered, foreign, expired]) {
      const err = await errorOf(whoami(server.url, token));
      expect(err.data?.code).toBe('UNAUTHORIZED');
      expect(err.data?.httpStatus).toBe(401);
    }
    expect((await errorOf(whoami(server.url, expired))).message).toBe('token expired');
    expect((await errorOf(whoami(server.url))).message).toContain('missing token');
  });

  it('refuses a wrong role with 403 and lets an admin mint tokens', async () => {
    await using server = await startTestServer();
    const coordinator = createClient({
      url: server.url,
      token: await server.token('carol', 'coordinator'),
    });
    const err = await errorOf(
      coordinator.auth.issueToken.mutate({ sub: 'bob', role: 'participant' }),
    );
    expect(err.data?.code).toBe('FORBIDDEN');
    expect(err.data?.httpStatus).toBe(403);
    const admin = createClient({ url: server.url, token: await server.token('root', 'admin') });
    const { token } = await admin.auth.issueToken.mutate({
      sub: 'bob',
      role: 'participant',
      ttl: '5m',
    });
    expect(await whoami(server.url, token)).toEqual({ sub: 'bob', role: 'participant' });
    const audit = server.services.sqlite
      .prepare("select actor, action, outcome from audit_log where action = 'issue_token'")
      .all();
    expect(audit).toEqual([{ actor: 'root', action: 'issue_token', outcome: 'ok' }]);
    await Promise.all([closeClient(coordinator), closeClient(admin)]);
  });

  it('reads the token from connectionParams on the WebSocket', async () => {
    await using server = await startTestServer();
    const { createTRPCClient, createWSClient, wsLink } = await import('@trpc/client');
    const { default: WebSocket } = await import('ws');
    const token = await server.token('dave', 'participant');
    const wsClient = createWSClient({
      url: `${server.wsUrl}/trpc`,
      WebSocket: WebSocket as never,
      connectionParams: { token },
    });
    const client = createTRPCClient<import('../../server/trpc/router.js').AppRouter>({
      links: [wsLink({ client: wsClient })],
    });
    expect(await client.auth.whoami.query()).toEqual({ sub: 'dave', role: 'participant' });
    await wsClient.close();
  });

  it('accepts tokens of an external issuer through its JWKS', async () => {
    const { publicKey, privateKey } = await jose.generateKeyPair('ES256');
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const jwksServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    try {
      await using server = await startTestServer({
        jwtJwks: jwksUrl,
        jwtJwksInsecure: 'on', // http on loopback
        jwtIssuer: 'https://idp.example',
        jwtAudience: 'sigsocket-test',
        jwtAlgorithms: 'ES256',
      });
      const sign = (iss: string) =>
        new jose.SignJWT({ role: 'coordinator' })
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setSubject('erin')
          .setIssuer(iss)
          .setAudience('sigsocket-test')
          .setExpirationTime('5m')
          .sign(privateKey);
      expect(await whoami(server.url, await sign('https://idp.example'))).toEqual({
        sub: 'erin',
        role: 'coordinator',
      });
      expect(
        (await errorOf(whoami(server.url, await sign('https://other.example')))).data?.code,
      ).toBe('UNAUTHORIZED');
    } finally {
      jwksServer.close();
    }
  });

  it('`sigsocket token` signs with the data directory secret the server verifies with', async () => {
    const dataDir = tempDir();
    const cli = await runCli([
      'token',
      '--sub',
      'frank',
      '--role',
      'admin',
      '--ttl',
      '10m',
      '--data-dir',
      dataDir,
    ]);
    expect(cli.code).toBe(0);
    await using server = await startTestServer({ dataDir });
    expect(await whoami(server.url, cli.stdout.trim())).toEqual({ sub: 'frank', role: 'admin' });
    const bad = await runCli(['token', '--sub', 'frank', '--role', 'king', '--data-dir', dataDir]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--role');
  });
});
