// `sigsocket keygen --scheme dkls23-secp256k1` and `sigsocket sign --digest | --message --hash`
// as a user runs them (child processes) against a real server with real participant agents.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hashMessage, keccak256, recoverAddress, Signature, verifyMessage } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { ethereumAddress, p2wpkhAddress } from '../../protocol/address.js';
import type { SessionView } from '../../protocol/session-view.js';
import { runCli } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { AgentPool, hexOf } from './support.js';

let pool: AgentPool | undefined;
afterEach(async () => {
  await pool?.cleanup();
  pool = undefined;
});

const hex = (h: string) => Buffer.from(h, 'hex');

async function coordinatorArgs(server: TestServer): Promise<string[]> {
  return ['--server', server.url, '--token', await server.token('carol', 'coordinator')];
}

/** The value on the `  <name>   <value>` line of a CLI outcome. */
function field(stdout: string, name: string): string {
  const m = new RegExp(`^  ${name} +(\\S+)`, 'm').exec(stdout);
  if (!m) throw new Error(`no "${name}" line in:\n${stdout}`);
  return m[1]!;
}

describe('CLI: threshold ECDSA (dkls23-secp256k1)', { timeout: 240_000 }, () => {
  it('keygen prints both addresses; sign --digest and --message --hash print r, s, v and the recovered address', async () => {
    await using server = await startTestServer({ network: 'tb' });
    pool = new AgentPool(server);
    await pool.agentsNamed(['alice', 'bob', 'dave']);
    const carol = await coordinatorArgs(server);

    const keygen = await runCli(
      [
        'keygen',
        ...carol,
        '--threshold',
        '2',
        '--participants',
        'alice,bob,dave',
        '--scheme',
        'dkls23-secp256k1',
      ],
      { timeoutMs: 120_000 },
    );
    expect(keygen.code, keygen.stderr).toBe(0);
    const keyId = field(keygen.stdout, 'keyId');
    const groupPublicKey = field(keygen.stdout, 'groupPublicKey');
    expect(groupPublicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    const address = field(keygen.stdout, 'ethereumAddress');
    expect(address).toBe(ethereumAddress(groupPublicKey));
    expect(field(keygen.stdout, 'address')).toBe(p2wpkhAddress(groupPublicKey, 'tb'));
    expect(keygen.stdout).toMatch(/^  address +tb1q\w+ \(Bitcoin, P2WPKH\)$/m);
    expect(keygen.stdout).toMatch(/^  verified +P2WPKH address tb1q\w+ encodes HASH160/m);
    // The `keys` row, as an operator reads it.
    const db = path.join(server.dataDir, 'sigsocket.db');
    const row = execFileSync('sqlite3', [db, `select address, ethereum_address from keys`], {
      encoding: 'utf8',
    });
    expect(row.trim()).toBe(`${p2wpkhAddress(groupPublicKey, 'tb')}|${address}`);

    // A 32-byte digest signed as given (an Ethereum transaction hash, say).
    const digest = keccak256(Buffer.from('cli ecdsa digest')).slice(2);
    const byDigest = await runCli(
      ['sign', ...carol, '--key', keyId, '--digest', digest, '--participants', 'bob,dave'],
      { timeoutMs: 120_000 },
    );
    expect(byDigest.code, byDigest.stderr).toBe(0);
    const out = byDigest.stdout;
    expect(field(out, 'digest')).toBe(digest);
    const [r, s, v] = [field(out, 'r'), field(out, 's'), Number(field(out, 'v'))];
    const recoveryId = Number(field(out, 'recoveryId'));
    expect(v).toBe(27 + (recoveryId & 1));
    expect(secp256k1.verify(hex(r + s), hex(digest), hex(groupPublicKey), { prehash: false })).toBe(
      true,
    );
    expect(
      secp256k1.verify(hex(field(out, 'der')), hex(digest), hex(groupPublicKey), {
        prehash: false,
        format: 'der',
      }),
    ).toBe(true);
    expect(recoverAddress(`0x${digest}`, Signature.from(`0x${field(out, 'ethereum')}`))).toBe(
      address,
    );
    expect(out).toContain(`  recovers        ${address} (equals the key's Ethereum address)`);
    expect(out).not.toContain('NOT VERIFIED');

    // personal_sign of a text, as a wallet does it; --json: the session with the result.
    const text = 'cli ecdsa personal_sign';
    const byMessage = await runCli(
      [
        'sign',
        ...carol,
        '--key',
        keyId,
        '--message',
        hexOf(text),
        '--hash',
        'eip191',
        '--participants',
        'alice,dave',
        '--json',
      ],
      { timeoutMs: 120_000 },
    );
    expect(byMessage.code, byMessage.stderr).toBe(0);
    const result = (JSON.parse(byMessage.stdout) as SessionView).result as Record<string, string>;
    expect(`0x${result['digest']}`).toBe(hashMessage(text));
    expect(verifyMessage(text, `0x${result['ethereum']}`)).toBe(address);
  });

  it('refuses: --digest or --hash for a FROST key (BAD_REQUEST), and wrong combinations before calling', async () => {
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
      '--json',
    ]);
    expect(keygen.code, keygen.stderr).toBe(0);
    const keyId = (JSON.parse(keygen.stdout) as SessionView).keyId!;
    const sign = (...args: string[]) =>
      runCli(['sign', ...carol, '--key', keyId, '--participants', 'alice,bob', ...args]);

    const digest = await sign('--digest', '11'.repeat(32));
    expect(digest.code).toBe(1);
    expect(digest.stderr).toMatch(/^sigsocket: BAD_REQUEST: .+/m);
    const hashed = await sign('--message', hexOf('x'), '--hash', 'keccak256');
    expect(hashed.code).toBe(1);
    expect(hashed.stderr).toMatch(/^sigsocket: BAD_REQUEST: .+/m);

    const both = await sign('--message', '00', '--digest', '11'.repeat(32));
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('give exactly one of --message and --digest');
    const neither = await sign();
    expect(neither.stderr).toContain('give exactly one of --message and --digest');
    const hashOfDigest = await sign('--digest', '11'.repeat(32), '--hash', 'sha256');
    expect(hashOfDigest.stderr).toContain('--hash applies to --message');
    const short = await sign('--digest', '11');
    expect(short.stderr).toMatch(/--digest: expected 32 bytes/);
    const badHash = await sign('--message', '00', '--hash', 'md5');
    expect(badHash.code).toBe(1);
    expect(badHash.stderr).toMatch(/--hash.*md5/);

    const keygenHelp = await runCli(['keygen', '--help']);
    expect(keygenHelp.stdout).toMatch(/^  dkls23-secp256k1 +threshold ECDSA, DKLs23/m);
    const signHelp = await runCli(['sign', '--help']);
    expect(signHelp.stdout).toMatch(/--digest <hex>/);
    expect(signHelp.stdout).toMatch(/--hash <hash>.*choices:\s+"sha256", "keccak256", "eip191"/s);
  });
});
