import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../server/app.js';
import { resolveConfig } from '../../server/config.js';
import { DataDirLockedError } from '../../db/lock.js';
import { issueToken } from '../../server/auth/jwt.js';
import { loadOrCreateSecret } from '../../server/auth/secret.js';
import { RawTrpcSocket } from '../faults/support/abuse-trpc-ws.js';
import { runCli, spawnServe } from '../support/cli.js';
import { startTestServer, tempDir } from '../support/server.js';
import { connectLegacy, testKey, waitFor } from '../support/signing.js';

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => reject(err));
  });
}

describe('server', () => {
  it('answers /healthz and /metrics', async () => {
    await using server = await startTestServer();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('sigsocket_ws_connections');
  });

  it('answers unknown paths with a JSON 404 and a wrong method with 405', async () => {
    await using server = await startTestServer();
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' });
    const wrong = await fetch(`${server.url}/healthz`, { method: 'POST' });
    expect(wrong.status).toBe(405);
  });

  it('routes WebSocket upgrades by path: /trpc is served, unknown paths get 404', async () => {
    await using server = await startTestServer();
    expect(await upgradeStatus(`${server.wsUrl}/trpc`)).toBe(101);
    expect(await upgradeStatus(`${server.wsUrl}/elsewhere`)).toBe(404);
  });

  it('caps WebSocket connections per address with 429', async () => {
    await using server = await startTestServer({ maxConnectionsPerIp: '2' });
    const open = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(`${server.wsUrl}/trpc`);
            ws.on('open', () => resolve(ws));
            ws.on('error', reject);
          }),
      ),
    );
    expect(await upgradeStatus(`${server.wsUrl}/trpc`)).toBe(429);
    const closed = new Promise((r) => open[0]!.once('close', r));
    open[0]!.close();
    await closed;
    // The slot comes back once the server has seen the close (an upgrade that gets in takes it).
    await expect.poll(() => upgradeStatus(`${server.wsUrl}/trpc`)).toBe(101);
    open[1]!.close();
  });

  it('creates the data directory and database privately', async () => {
    const dataDir = path.join(tempDir(), 'nested', 'data');
    await using server = await startTestServer({ dataDir });
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dataDir, 'sigsocket.db')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(server.services.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('refuses a second owner of the data directory, naming the process and lock file', async () => {
    await using server = await startTestServer();
    await expect(
      startServer(resolveConfig({ port: 0, dataDir: server.dataDir, logLevel: 'silent' }, {})),
    ).rejects.toThrow(DataDirLockedError);
    const cli = await runCli(['serve', '--port', '0', '--data-dir', server.dataDir]);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain(`in use by process ${process.pid}`);
    expect(cli.stderr).toContain(path.join(server.dataDir, 'sigsocket.lock'));
  });

  it('takes over the lock of an owner that died', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'sigsocket.lock'), '999999999\n');
    await using server = await startTestServer({ dataDir });
    expect(fs.readFileSync(path.join(dataDir, 'sigsocket.lock'), 'utf8').trim()).toBe(
      String(process.pid),
    );
    expect(server.port).toBeGreaterThan(0);
  });

  it('releases the data directory on close, so a restart works', async () => {
    const server = await startTestServer();
    await server.close();
    expect(fs.existsSync(path.join(server.dataDir, 'sigsocket.lock'))).toBe(false);
    await using again = await startTestServer({ dataDir: server.dataDir });
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
  });
});

/** Whether a plain TCP connection to the port is accepted, or the error code it fails with. */
function tcpConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      resolve('connected');
      socket.destroy();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** A raw tRPC socket with a live `signer.attach` subscription (its challenge received). */
async function subscribedTrpcSocket(wsUrl: string, token: string): Promise<RawTrpcSocket> {
  const socket = await RawTrpcSocket.open(wsUrl, token);
  const started = await socket.request('subscription', 'signer.attach', {
    publicKey: testKey().publicKey,
  });
  expect(started.result?.type).toBe('started');
  await waitFor(async () => socket.replies.some((r) => r.result?.type === 'data'), 'the challenge');
  return socket;
}

/** tRPC's `{"id":null,"method":"reconnect"}` notification, among the replies a socket kept. */
const reconnectNotices = (socket: RawTrpcSocket) =>
  socket.replies.filter((r) => (r as { method?: string }).method === 'reconnect');

describe('graceful shutdown', () => {
  it('close() stops accepting at once, tells tRPC clients to reconnect and closes WebSockets with 1012', async () => {
    await using server = await startTestServer();
    const trpc = await subscribedTrpcSocket(
      server.wsUrl,
      await server.token('wallet', 'participant'),
    );
    const legacy = await connectLegacy(server, testKey());
    const closing = server.close();
    // The listener is closed before close() first yields: this runs while shutdown is under way
    // and in this (still running) process, so only the server's own close can refuse it.
    expect(await tcpConnect(server.port)).toBe('ECONNREFUSED');
    await closing;
    expect(await trpc.closed).toEqual({ code: 1012, reason: 'server restarting' });
    expect(reconnectNotices(trpc)).toEqual([{ id: null, method: 'reconnect' }]);
    expect(await legacy.closed).toEqual({ code: 1012, reason: 'server restarting' });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s tells tRPC clients to reconnect, closes WebSockets with 1012, closes the database and exits 0',
    async (signal) => {
      const dataDir = tempDir();
      const token = await issueToken(loadOrCreateSecret(dataDir), {
        sub: 'wallet',
        role: 'participant',
        ttl: '1h',
      });
      const serve = await spawnServe(['--data-dir', dataDir, '--log-level', 'info']);
      const wsUrl = serve.url.replace(/^http/, 'ws');
      const trpc = await subscribedTrpcSocket(wsUrl, token);
      const legacy = await connectLegacy({ url: serve.url, wsUrl }, testKey());
      expect(fs.existsSync(path.join(dataDir, 'sigsocket.db-wal'))).toBe(true);
      serve.child.kill(signal);
      expect(await trpc.closed).toEqual({ code: 1012, reason: 'server restarting' });
      expect(reconnectNotices(trpc)).toEqual([{ id: null, method: 'reconnect' }]);
      expect(await legacy.closed).toEqual({ code: 1012, reason: 'server restarting' });
      expect(await serve.exited).toBe(0);
      expect(serve.output()).toContain(`${signal}: shutting down`);
      expect(serve.output()).toContain('"msg":"sigsocket stopped"');
      // SQLite removes the WAL file only when the last connection closes cleanly (a killed
      // process leaves it behind), and the lock file goes with the data directory's release.
      expect(fs.existsSync(path.join(dataDir, 'sigsocket.db-wal'))).toBe(false);
      expect(fs.existsSync(path.join(dataDir, 'sigsocket.lock'))).toBe(false);
    },
  );
});
