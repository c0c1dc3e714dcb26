// `sigsocket demo` as a user runs it: a child process, judged by its exit code and output.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ed25519, ristretto255_FROST } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { p256_FROST } from '@noble/curves/nist.js';
import { schnorr, secp256k1, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { base58 } from '@scure/base';
import { hashMessage, verifyMessage } from 'ethers';
import { describe, expect, it } from 'vitest';
import type { DemoResult } from '../../cli/demo/run.js';
import { SCHEMES, type Scheme } from '../../protocol/frost/index.js';
import { THRESHOLD_SCHEMES } from '../../protocol/threshold-schemes.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/server.js';

// Generous: a loaded 2-core machine runs servers and agents of other tests alongside.
const LIMIT_MS = 180_000;
const demo = (args: string[]) => runCli(['demo', ...args], { timeoutMs: LIMIT_MS });
const hex = (h: string) => Buffer.from(h, 'hex');

/** The value printed on a `  <name>   <value>` line (the first such line). */
function field(stdout: string, name: string): string {
  const m = new RegExp(`^  ${name} +(\\S+)`, 'm').exec(stdout);
  if (!m) throw new Error(`no "${name}" line in:\n${stdout}`);
  return m[1]!;
}

/** Each scheme's signature checked here by noble alone: RFC 8032 / BIP340 where they apply. */
const VERIFY: Record<Scheme, (sig: Buffer, msg: Buffer, key: Buffer) => boolean> = {
  'frost-secp256k1': (sig, msg, key) => secp256k1_FROST.verify(sig, msg, key),
  'frost-secp256k1-tr': (sig, msg, key) => schnorr.verify(sig, msg, key.subarray(1)),
  'frost-ed25519': (sig, msg, key) => ed25519.verify(sig, msg, key, { zip215: false }),
  'frost-ed448': (sig, msg, key) => ed448.verify(sig, msg, key),
  'frost-p256': (sig, msg, key) => p256_FROST.verify(sig, msg, key),
  'frost-ristretto255': (sig, msg, key) => ristretto255_FROST.verify(sig, msg, key),
};

describe('sigsocket demo', { timeout: LIMIT_MS + 30_000 }, () => {
  it('frost-secp256k1 2-of-3 by default: all verified, temporary data removed', async () => {
    const r = await demo([]);
    expect(r.code, r.stderr).toBe(0);
    expect(field(r.stdout, 'key id')).toMatch(/^key_[0-9a-f]{24}$/);
    expect(field(r.stdout, 'group key')).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(r.stdout).toMatch(/^  signature +[0-9a-f]{130}$/m); // RFC 9591: R (33) || z (32)
    expect(r.stdout).toMatch(/^  verified +RFC 9591 FROST\(secp256k1, SHA-256\) signature/m);
    expect(r.stdout).toMatch(/^  signature +[A-Za-z0-9+/]+=* \(base64, 64 bytes\)$/m);
    expect(r.stdout).toMatch(/^  verified +secp256k1\.verify \(noble, ECDSA over SHA-256/m);
    expect(r.stdout).not.toContain('NOT VERIFIED');
    // live progress, as plain lines (stdout is not a terminal)
    expect(r.stdout).toMatch(/keygen kg_\w+: phase round1, deadline .* \(waiting for /);
    expect(r.stdout).toMatch(/sign sg_\w+: carol sent its signature share/);
    expect(r.stdout).toContain('all verified: 1 threshold signature (frost-secp256k1)');
    const dataDir = /^  data +(\S+) \(temporary/m.exec(r.stdout)?.[1];
    expect(dataDir).toBeDefined();
    expect(fs.existsSync(dataDir!)).toBe(false);
  });

  it('frost-secp256k1-tr, --data-dir: BIP340, P2TR address; sqlite3 commands work', async () => {
    const dataDir = path.join(tempDir('sigsocket-demo-test-'), 'kept');
    const r = await demo(['--scheme', 'frost-secp256k1-tr', '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
    const address = field(r.stdout, 'P2TR address');
    expect(address).toMatch(/^bc1p[02-9ac-hj-np-z]{58}$/);
    expect(r.stdout).toMatch(/^  signature +[0-9a-f]{128}$/m); // BIP340: x(R) || s
    expect(r.stdout).toMatch(/^  verified +BIP340 signature under the group key/m);
    expect(r.stdout).toMatch(/^  verified +schnorr\.verify \(noble, BIP340\) under the x-only/m);
    expect(r.stdout).toContain(`verified        P2TR address ${address} encodes`);
    expect(r.stdout).toMatch(/^  verified +secp256k1\.verify/m);

    const db = path.join(dataDir, 'sigsocket.db');
    expect(fs.existsSync(db)).toBe(true);
    const commands = r.stdout
      .split('\n')
      .filter((line) => line.startsWith('  sqlite3 '))
      .map((line) => line.trim());
    expect(commands[0]).toBe(`sqlite3 ${db} "select id, kind, state from sessions"`);
    const outputs = commands.map((command) =>
      execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8' }),
    );
    const keygenId = field(r.stdout, 'session');
    expect(outputs[0]).toContain(`${keygenId}|keygen|completed`);
    expect(outputs[0]).toMatch(/sg_\w+\|sign\|completed/);
    const signing = r.stdout.slice(r.stdout.indexOf('threshold signing'));
    expect(outputs[1]).toContain(field(signing, 'signature'));
    expect(outputs[2]).toContain(address);
    expect(outputs.length).toBeGreaterThan(3);
  });

  it('--scheme both, 3-of-5, --json: one document whose signatures verify here too', async () => {
    const r = await demo(['--scheme', 'both', '--threshold', '3', '--parties', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as DemoResult;
    expect(result).toMatchObject({ ok: true, error: null, threshold: 3, parties: 5 });
    expect(result.participants).toHaveLength(5);
    expect(result.runs.map((run) => run.scheme)).toEqual(['frost-secp256k1', 'frost-secp256k1-tr']);
    for (const run of result.runs) {
      expect(run.signing.signers).toHaveLength(3);
      expect(run.checks.every((c) => c.ok)).toBe(true);
      const { signature: sig, message: msg } = run.signing;
      const key = run.keygen.groupPublicKey;
      if (run.scheme === 'frost-secp256k1') {
        expect(secp256k1_FROST.verify(hex(sig), hex(msg), hex(key))).toBe(true);
      } else {
        expect(schnorr.verify(hex(sig), hex(msg), hex(key).subarray(1))).toBe(true);
      }
    }
    const single = result.singleKey!;
    expect(single.checks.every((c) => c.ok)).toBe(true);
    const signature = Buffer.from(single.signature, 'base64');
    const message = Buffer.from(single.message, 'base64');
    expect(secp256k1.verify(signature, message, hex(single.publicKey))).toBe(true);
    expect(fs.existsSync(result.dataDir)).toBe(false);
  });

  it('--scheme all: every registered scheme keyed and signed on one server, each verified', async () => {
    const r = await demo(['--scheme', 'all']);
    expect(r.code, r.stderr).toBe(0);
    const count = THRESHOLD_SCHEMES.length;
    const heading = `SigSocket demo: a 2-of-3 key and a threshold signing for each of ${count}`;
    expect(r.stdout.startsWith(heading)).toBe(true);
    expect(r.stdout.match(/^  server /gm)).toHaveLength(1);
    // the per-scheme sections, in THRESHOLD_SCHEMES order (every FROST suite, then DKLs23), each
    // checked again here from what it printed
    const sections = r.stdout.split(/^keygen: /m).slice(1);
    expect(sections.map((s) => s.slice(0, s.indexOf(',')))).toEqual(THRESHOLD_SCHEMES);
    for (const [i, scheme] of SCHEMES.entries()) {
      const section = sections[i]!;
      const key = field(section, 'group key');
      const signing = section.slice(section.indexOf('threshold signing'));
      const [sig, msg] = [field(signing, 'signature'), field(signing, 'message \\(hex\\)')];
      expect(VERIFY[scheme](hex(sig), hex(msg), hex(key)), scheme).toBe(true);
      expect(signing, scheme).toMatch(/^  verified +(RFC 9591|BIP340) .*verifySignature/m);
      expect(signing, scheme).not.toContain('NOT VERIFIED');
    }
    const ecdsa = sections[THRESHOLD_SCHEMES.indexOf('dkls23-secp256k1')]!;
    const ecdsaSigning = ecdsa.slice(ecdsa.indexOf('threshold signing'));
    const [r1, s1] = [field(ecdsaSigning, 'r'), field(ecdsaSigning, 's')];
    const digest = hex(field(ecdsaSigning, 'digest'));
    const ecdsaKey = hex(field(ecdsa, 'group key'));
    expect(secp256k1.verify(hex(r1 + s1), digest, ecdsaKey, { prehash: false })).toBe(true);
    expect(ecdsaSigning).not.toContain('NOT VERIFIED');
    const sectionOf = (scheme: Scheme) => sections[SCHEMES.indexOf(scheme)]!;
    const [ed25519Run, ed448Run] = [sectionOf('frost-ed25519'), sectionOf('frost-ed448')];
    expect(ed25519Run).toMatch(/^  verified +ed25519\.verify \(noble, RFC 8032 Ed25519/m);
    expect(ed448Run).toMatch(/^  verified +ed448\.verify \(noble, RFC 8032 Ed448/m);
    const solana = field(ed25519Run, 'Solana address');
    expect(Buffer.from(base58.decode(solana)).toString('hex')).toBe(field(ed25519Run, 'group key'));
    expect(ed25519Run).toContain(`verified        Solana address ${solana} is the base58`);
    expect(sectionOf('frost-secp256k1-tr')).toMatch(/^  P2TR address +bc1p/m);

    const summary = r.stdout.slice(r.stdout.indexOf('threshold signatures, per scheme:'));
    // Every scheme is checked by our engine and by a verifier that shares no code with it.
    for (const scheme of SCHEMES) {
      expect(summary).toMatch(new RegExp(`^  verified +${scheme} +protocol/frost \\+ `, 'm'));
    }
    expect(summary).toMatch(/^  verified +frost-p256 +.*RFC 9591 \(noble p256_FROST\.verify\)$/m);
    expect(summary).toMatch(/^  verified +frost-ed25519 +.*RFC 8032.*; Solana address /m);
    expect(summary).toMatch(
      /^  verified +dkls23-secp256k1 +noble secp256k1\.verify .*; P2WPKH address bc1q\w+; Ethereum address 0x[0-9a-fA-F]{40}$/m,
    );
    expect(summary).toContain(`all verified: ${count} threshold signatures`);
  });

  it('dkls23-secp256k1 2-of-3: an EIP-191 ECDSA signature that noble and ethers accept', async () => {
    const text = await demo(['--scheme', 'dkls23-secp256k1']);
    expect(text.code, text.stderr).toBe(0);
    expect(field(text.stdout, 'P2WPKH address')).toMatch(/^bc1q[02-9ac-hj-np-z]{38}$/);
    expect(field(text.stdout, 'Ethereum address')).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(text.stdout).toMatch(/^  v +(27|28)$/m);
    expect(text.stdout).toMatch(/^  verified +secp256k1\.verify \(noble, ECDSA, prehash: false/m);
    expect(text.stdout).toMatch(/^  verified +the signature recovers the key's Ethereum address/m);
    expect(text.stdout).toMatch(/^  verified +P2WPKH address bc1q\w+ encodes HASH160/m);
    expect(text.stdout).not.toContain('NOT VERIFIED');
    expect(text.stdout).toContain('all verified: 1 threshold signature (dkls23-secp256k1)');

    const r = await demo(['--scheme', 'dkls23-secp256k1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as DemoResult;
    const [run] = result.runs;
    expect(run!.scheme).toBe('dkls23-secp256k1');
    const { keygen, signing } = run!;
    const ecdsa = signing.ecdsa!;
    // What a wallet checks: personal_sign of the message text, recovered by ethers.
    const message = hex(signing.message);
    expect(`0x${ecdsa.digest}`).toBe(hashMessage(message));
    expect(verifyMessage(message, `0x${ecdsa.ethereum}`)).toBe(keygen.ethereumAddress);
    expect(ecdsa.recoveredAddress).toBe(keygen.ethereumAddress);
    const key = hex(keygen.groupPublicKey);
    expect(
      secp256k1.verify(hex(signing.signature), hex(ecdsa.digest), key, { prehash: false }),
    ).toBe(true);
    expect(
      secp256k1.verify(hex(ecdsa.der), hex(ecdsa.digest), key, { prehash: false, format: 'der' }),
    ).toBe(true);
    expect(run!.checks.every((c) => c.ok)).toBe(true);
  });

  it('--threshold 4 --parties 3 exits 1 with the reason, before starting anything', async () => {
    const r = await demo(['--threshold', '4', '--parties', '3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sigsocket: --threshold 4 is more than --parties 3');
    expect(r.stdout).toBe('');
  });
});
