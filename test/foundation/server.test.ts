import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../server/app.js';
import { resolveConfig } from '../../server/config.js';
import { DataDirLockedError } from '../../db/lock.js';
import { runCli, spawnServe } from '../support/cli.js';
import { startTestServer, tempDir } from '../support/server.js';

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
    await new Promise((r) => setTimeout(r, 50));
    expect(await upgradeStatus(`${server.wsUrl}/trpc`)).toBe(101);
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
    await expect(startServer(resolveConfig({ port: 0, dataDir: server.dataDir, logLevel: 'silent' }, {}))).rejects.toThrow(DataDirLockedError);
    const cli = await runCli(['serve', '--port', '0', '--data-dir', server.dataDir]);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain(`in use by process ${process.pid}`);
    expect(cli.stderr).toContain(path.join(server.dataDir, 'sigsocket.lock'));
  });

  it('takes over the lock of an owner that died', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'sigsocket.lock'), '999999999\n');
    await using server = await startTestServer({ dataDir });
    expect(fs.readFileSync(path.join(dataDir, 'sigsocket.lock'), 'utf8').trim()).toBe(String(process.pid));
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

describe('graceful shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops accepting, closes the database and exits 0', async (signal) => {
    const dataDir = tempDir();
    const serve = await spawnServe(['--data-dir', dataDir]);
    expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
    const socket = new WebSocket(`${serve.url.replace('http', 'ws')}/trpc`);
    await new Promise((r) => socket.once('open', r));
    const closed = new Promise<number>((r) => socket.once('close', (code) => r(code)));
    serve.child.kill(signal);
    expect(await serve.exited).toBe(0);
    expect(await closed).toBe(1012);
    expect(fs.existsSync(path.join(dataDir, 'sigsocket.lock'))).toBe(false);
    await expect(fetch(`${serve.url}/healthz`)).rejects.toThrow();
  });
});
