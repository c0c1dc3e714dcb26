import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateKeyFile } from '../../client/key-file.js';
import { publicKeyOf } from '../../protocol/ecdsa/sign.js';
import { bytesToHex } from '../../protocol/encoding.js';
import { cliPath, repoRoot, runCli } from '../support/cli.js';
import { startTestServer, tempDir } from '../support/server.js';
import { b64, getJson, isConnected, postSign, waitFor } from '../support/signing.js';

function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('key files', () => {
  it('creates a missing key file with mode 0600 and reads it back', () => {
    const file = path.join(tempDir(), 'nested', 'signer.key');
    const created = loadOrCreateKeyFile(file);
    expect(created.created).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const again = loadOrCreateKeyFile(file);
    expect(again).toEqual({
      secretKey: created.secretKey,
      created: false,
      readableByOthers: false,
    });
  });

  it('refuses a malformed or invalid key and flags loose permissions', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.key');
    fs.writeFileSync(bad, 'xyz');
    expect(() => loadOrCreateKeyFile(bad)).toThrow(/64 hex digits/);
    fs.writeFileSync(bad, '00'.repeat(32));
    expect(() => loadOrCreateKeyFile(bad)).toThrow(/not a valid secp256k1 secret key/);
    const loose = path.join(dir, 'loose.key');
    fs.writeFileSync(loose, '11'.repeat(32), { mode: 0o644 });
    fs.chmodSync(loose, 0o644);
    expect(loadOrCreateKeyFile(loose).readableByOthers).toBe(true);
  });
});

describe('sigsocket signer and legacy-signer commands', () => {
  it('serve sign requests from key files, with flags or SIGSOCKET_* variables', async () => {
    await using server = await startTestServer();
    const dir = tempDir();
    const legacyFile = path.join(dir, 'legacy.key');
    const typedFile = path.join(dir, 'typed.key');
    const legacy = spawnCli(['legacy-signer', '--server', server.url, '--key-file', legacyFile]);
    const typed = spawnCli(['signer'], {
      SIGSOCKET_SERVER: server.url,
      SIGSOCKET_TOKEN: await server.token('wallet', 'participant'),
      SIGSOCKET_KEY_FILE: typedFile,
    });
    try {
      await waitFor(
        () => fs.existsSync(legacyFile) && fs.existsSync(typedFile),
        'key files',
        20_000,
      );
      const keys = [legacyFile, typedFile].map((f) =>
        bytesToHex(publicKeyOf(loadOrCreateKeyFile(f).secretKey)),
      );
      for (const key of keys) {
        await waitFor(() => isConnected(server.url, key), `signer ${key}`, 20_000);
      }
      const token = await server.token('carol', 'coordinator');
      for (const key of keys) {
        const result = await postSign(
          server.url,
          { public_key: key, message: b64('from the CLI') },
          token,
        );
        expect(result.status).toBe(200);
      }
      expect(await getJson(server.url, '/status')).toMatchObject({ legacy: 1, typed: 1 });
      await waitFor(
        () =>
          /signed a 12-byte message/.test(typed.output()) &&
          /signed a 12-byte message/.test(legacy.output()),
        'output',
      );
      expect(legacy.output()).toContain(keys[0]);
    } finally {
      legacy.child.kill('SIGTERM');
      typed.child.kill('SIGTERM');
    }
    expect(await legacy.exited).toBe(0);
    expect(await typed.exited).toBe(0);
  });

  it('legacy-signer --max-frame-bytes takes the larger requests of a server with a raised limit', async () => {
    await using server = await startTestServer({ maxFrameBytes: 200_000 });
    const file = path.join(tempDir(), 'big.key');
    const signer = spawnCli([
      'legacy-signer',
      '--server',
      server.url,
      '--key-file',
      file,
      '--max-frame-bytes',
      '200000',
    ]);
    try {
      await waitFor(() => fs.existsSync(file), 'key file', 20_000);
      const key = bytesToHex(publicKeyOf(loadOrCreateKeyFile(file).secretKey));
      await waitFor(() => isConnected(server.url, key), 'signer connected', 20_000);
      const message = b64(new Uint8Array(100_000).fill(7)); // over the default 64 KiB frame
      const token = await server.token('carol', 'coordinator');
      const result = await postSign(server.url, { public_key: key, message }, token);
      expect(result.status).toBe(200);
    } finally {
      signer.child.kill('SIGTERM');
    }
    expect(await signer.exited).toBe(0);
  });

  it('say once why they cannot reach the server, keep retrying, and stop on SIGTERM', async () => {
    // A port that answers every connection 503, counting the attempts.
    let attempts = 0;
    const dropper = net.createServer((socket) => {
      attempts++;
      socket.on('error', () => {});
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      );
    });
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    const { port } = dropper.address() as net.AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    const dir = tempDir();
    try {
      for (const args of [
        ['signer', '--server', url, '--key-file', path.join(dir, 't'), '--token', 'unused'],
        ['legacy-signer', '--server', url, '--key-file', path.join(dir, 'l')],
      ]) {
        attempts = 0;
        const signer = spawnCli(args);
        // Four attempts: the backoff before the next one is then seconds long.
        await waitFor(() => attempts >= 4, `${args[0]} retrying`, 30_000);
        signer.child.kill('SIGTERM');
        expect(await signer.exited).toBe(0);
        const lines = signer.output().split('\n');
        const retries = lines.filter((l) => /disconnected .*; reconnecting$/.test(l));
        expect(retries, signer.output()).toHaveLength(1);
        expect(retries[0]).toMatch(/503/);
        expect(signer.output()).toContain('SIGTERM: stopping');
      }
    } finally {
      dropper.close();
    }
  });

  it('a typed signer whose token is refused gives up with the reason and exit code 1', async () => {
    await using server = await startTestServer();
    const file = path.join(tempDir(), 'k');
    const expired = await server.token('wallet', 'participant', '1s');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    for (const token of ['not-a-jwt', expired]) {
      const result = await runCli(['signer', '--server', server.url, '--key-file', file], {
        env: { SIGSOCKET_TOKEN: token },
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/gave up: UNAUTHORIZED/);
      expect(result.stderr).toMatch(/sigsocket: UNAUTHORIZED: (invalid token|token expired)/);
    }
  });

  it('explains a missing token or a bad key file', async () => {
    const dir = tempDir();
    const noToken = await runCli(['signer', '--key-file', path.join(dir, 'k')], {
      env: { SIGSOCKET_TOKEN: '' },
    });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/token is required/);
    fs.writeFileSync(path.join(dir, 'bad'), 'nope');
    const badKey = await runCli(['legacy-signer', '--key-file', path.join(dir, 'bad')]);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/key file .*64 hex digits/);
  });
});
