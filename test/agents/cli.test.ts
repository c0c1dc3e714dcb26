import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58 } from '@scure/base';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMES } from '../../protocol/frost/schemes.js';
import type { SessionView } from '../../protocol/session-view.js';
import { cliPath, repoRoot, runCli } from '../support/cli.js';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';
import { AgentPool, hexOf, resultOf, signatureVerifies, waitFor } from './support.js';

let pool: AgentPool | undefined;
const children: Array<{ stop(): Promise<number | null> }> = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.stop()));
  await pool?.cleanup();
  pool = undefined;
});

/** `sigsocket <args>` left running (stdin not a terminal); output collected; stopped with SIGTERM. */
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
  const handle = {
    output: () => output,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
  children.push(handle);
  return handle;
}

async function coordinatorArgs(server: TestServer): Promise<string[]> {
  return ['--server', server.url, '--token', await server.token('carol', 'coordinator')];
}

// Every CLI call is a fresh process (tsx start-up), so these tests get more time than the default.
describe('CLI: keygen, sign, watch, sessions, participant', { timeout: 180_000 }, () => {
  it('keygen and sign exit 0 with the result; --json prints the final session; a timeout exits 4 naming whom it waited for', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const [, , dave] = await pool.agentsNamed(['alice', 'bob', 'dave']);
    const carol = await coordinatorArgs(server);

    const keygen = await runCli([
      'keygen',
      ...carol,
      '--threshold',
      '2',
      '--participants',
      'alice,bob,dave',
      '--scheme',
      'frost-secp256k1-tr',
      '--label',
      'vault',
    ]);
    expect(keygen.stderr).toBe('');
    expect(keygen.code).toBe(0);
    expect(keygen.stdout).toMatch(/keygen kg_\w+: phase round1/);
    expect(keygen.stdout).toMatch(/dave confirmed the group key/);
    const keyId = /keyId\s+(key_\w+)/.exec(keygen.stdout)?.[1];
    const groupPublicKey = /groupPublicKey\s+([0-9a-f]{66})/.exec(keygen.stdout)?.[1];
    expect(keygen.stdout).toMatch(/address\s+bc1p/);

    const message = hexOf('cli sign');
    const sign = await runCli([
      'sign',
      ...carol,
      '--key',
      keyId!,
      '--message',
      message,
      '--participants',
      'bob,dave',
      '--session-id',
      'cli-sign-1',
      '--json',
    ]);
    expect(sign.code).toBe(0);
    const view = JSON.parse(sign.stdout) as SessionView;
    expect(view).toMatchObject({ id: 'cli-sign-1', state: 'completed', keyId });
    expect(
      signatureVerifies('frost-secp256k1-tr', groupPublicKey!, message, resultOf(view).signature!),
    ).toBe(true);
    expect(sign.stderr).toMatch(/sign cli-sign-1: completed/); // progress on stderr with --json

    const watch = await runCli(['watch', 'cli-sign-1', ...carol, '--json']);
    expect(watch.code).toBe(0);
    expect(JSON.parse(watch.stdout)).toMatchObject({ id: 'cli-sign-1', state: 'completed' });

    await dave!.stop();
    const late = await runCli([
      'sign',
      ...carol,
      '--key',
      keyId!,
      '--message',
      message,
      '--participants',
      'alice,dave',
      '--timeout-ms',
      '2000',
      '--json',
    ]);
    expect(late.code).toBe(4);
    const timedOut = JSON.parse(late.stdout) as SessionView;
    expect(timedOut.state).toBe('timed_out');
    expect(timedOut.waitingFor).toContain('dave'); // (alice too, if a loaded machine kept her from answering in time)
    expect(late.stderr).toMatch(
      /^sigsocket: sign sg_\w+ timed_out in inviting: .*\(waiting for: (alice, )?dave\)$/m,
    );

    const bad = await runCli([
      'sign',
      ...carol,
      '--key',
      keyId!,
      '--message',
      'xyz',
      '--participants',
      'alice',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--message: .*hex/);
    expect(bad.stderr).toMatch(/--participants: /);
  });

  it('keygen --scheme frost-ed25519 reports a Solana address; the signature is plain RFC 8032; --help lists every scheme', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    await pool.agentsNamed(['alice', 'bob']);
    const carol = await coordinatorArgs(server);
    const keygen = await runCli([
      'keygen',
      ...carol,
      '--threshold',
      '2',
      '--participants',
      'alice,bob',
      '--scheme',
      'frost-ed25519',
    ]);
    expect(keygen.code, keygen.stderr).toBe(0);
    const keyId = /keyId\s+(key_\w+)/.exec(keygen.stdout)?.[1];
    const groupPublicKey = /groupPublicKey\s+([0-9a-f]{64})\b/.exec(keygen.stdout)?.[1];
    const address = /address\s+([1-9A-HJ-NP-Za-km-z]{32,44})\b/.exec(keygen.stdout)?.[1];
    expect(Buffer.from(base58.decode(address!)).toString('hex')).toBe(groupPublicKey);

    const message = hexOf('cli sign ed25519');
    const sign = await runCli([
      'sign',
      ...carol,
      '--key',
      keyId!,
      '--message',
      message,
      '--participants',
      'alice,bob',
      '--json',
    ]);
    expect(sign.code, sign.stderr).toBe(0);
    const signature = resultOf(JSON.parse(sign.stdout) as SessionView).signature!;
    const [sig, msg, key] = [signature, message, groupPublicKey!].map((h) => Buffer.from(h, 'hex'));
    expect(ed25519.verify(sig!, msg!, key!, { zip215: false })).toBe(true);

    const help = await runCli(['keygen', '--help']);
    for (const scheme of SCHEMES) expect(help.stdout).toMatch(new RegExp(`^  ${scheme} `, 'm'));
    expect(help.stdout).toMatch(/frost-ed25519 +FROST\(Ed25519, SHA-512\); Solana address$/m);
  });

  it('sessions lists through the API and straight from the SQLite file', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    await pool.agentsNamed(['alice', 'bob']);
    const carol = await coordinatorArgs(server);
    expect(
      (
        await runCli([
          'keygen',
          ...carol,
          '--threshold',
          '2',
          '--participants',
          'alice,bob',
          '--session-id',
          'kg-listed',
        ])
      ).code,
    ).toBe(0);
    const rejected = await runCli([
      'keygen',
      ...carol,
      '--threshold',
      '2',
      '--participants',
      'alice,ghost',
    ]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/UNKNOWN_PARTICIPANTS: .*ghost/);

    const fromDb = await runCli([
      'sessions',
      '--db',
      path.join(server.dataDir, 'sigsocket.db'),
      '--kind',
      'keygen',
    ]);
    expect(fromDb.code).toBe(0);
    const [header, row] = fromDb.stdout.trim().split('\n');
    expect(header).toMatch(
      /^ID\s+KIND\s+STATE\s+T\/N\s+SCHEME\s+KEY\s+UPDATED \(UTC\)\s+PARTICIPANTS/,
    );
    expect(row).toMatch(/^kg-listed\s+keygen\s+completed\s+2\/2\s+frost-secp256k1\s+key_\w+/);

    const viaApi = await runCli(['sessions', ...carol, '--state', 'completed', '--json']);
    expect(viaApi.code).toBe(0);
    expect(JSON.parse(viaApi.stdout)).toEqual([
      expect.objectContaining({ id: 'kg-listed', state: 'completed' }),
    ]);
    expect(
      (
        await runCli([
          'sessions',
          '--db',
          path.join(server.dataDir, 'sigsocket.db'),
          '--state',
          'failed',
        ])
      ).stdout.trim(),
    ).toBe('no sessions');
    const missing = await runCli(['sessions', '--db', path.join(tempDir(), 'none.db')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
  });

  it('participant runs an agent: --auto-approve takes part; without it (SIGSOCKET_AUTO_APPROVE=off) and without a terminal it refuses', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    await pool.agentsNamed(['alice']);
    const dir = tempDir();
    const agentArgs = async (name: string) => [
      'participant',
      '--server',
      server.url,
      '--token',
      await server.token(name, 'participant'),
      '--key-file',
      path.join(dir, `${name}.key`),
    ];
    const erin = spawnCli([...(await agentArgs('erin')), '--auto-approve']);
    const frank = spawnCli(await agentArgs('frank'), { SIGSOCKET_AUTO_APPROVE: 'off' });
    await waitFor(
      () => /registered as erin/.test(erin.output()) && /registered as frank/.test(frank.output()),
      'both agents registered',
    );
    const carol = await coordinatorArgs(server);

    const ok = await runCli([
      'keygen',
      ...carol,
      '--threshold',
      '2',
      '--participants',
      'alice,erin',
    ]);
    expect(ok.code).toBe(0);
    await waitFor(() => /key key_\w+ stored/.test(erin.output()), 'erin stores its key share');

    const refused = await runCli([
      'keygen',
      ...carol,
      '--threshold',
      '2',
      '--participants',
      'alice,frank',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/rejected in inviting: .*frank.*no terminal/);

    expect(await erin.stop()).toBe(0);
    expect(erin.output()).toMatch(/SIGTERM: stopping/);
    // No 32-byte secret (identity key, shares, nonces) in what the agent printed.
    expect(erin.output()).not.toContain(fs.readFileSync(path.join(dir, 'erin.key'), 'utf8').trim());
    expect(erin.output()).not.toMatch(/(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/);
  });
});
