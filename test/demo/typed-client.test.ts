// examples/typed-client.ts against a real server with real participant agents: called as a
// function, and run as a script the way its header says.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCluster, type DemoCluster } from '../../cli/demo/cluster.js';
import { partyNames } from '../../cli/demo/parties.js';
import { main } from '../../examples/typed-client.js';
import { repoRoot } from '../support/cli.js';
import { tempDir } from '../support/server.js';

const names = partyNames(3);
const dataDir = tempDir('sigsocket-example-');
let cluster: DemoCluster;

beforeAll(async () => {
  cluster = await startDemoCluster({ dataDir, names, logLevel: 'silent' });
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const coordinatorToken = () =>
  cluster.server.services.issueToken({ sub: 'example-app', role: 'coordinator' });

describe('examples/typed-client.ts', { timeout: 120_000 }, () => {
  it('main(): keygen, session.watch, sign, and a signature that verifies', async () => {
    const lines: string[] = [];
    const result = await main({
      server: cluster.server.url,
      token: await coordinatorToken(),
      participants: names,
      threshold: 2,
      log: (line) => lines.push(line),
    });
    expect(result.verified).toBe(true);
    const [sig, msg, key] = [result.signature, result.message, result.groupPublicKey].map((h) =>
      Buffer.from(h, 'hex'),
    );
    expect(secp256k1_FROST.verify(sig!, msg!, key!)).toBe(true);
    expect(lines.some((l) => /^kg_\w+ event \d+: session_completed$/.test(l))).toBe(true);
    expect(lines.some((l) => /^sg_\w+ event \d+: session_completed/.test(l))).toBe(true);
  });

  it('runs as a script with SIGSOCKET_* variables (Taproot), exit 0', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'examples/typed-client.ts')],
      {
        cwd: repoRoot,
        timeout: 100_000,
        env: {
          ...process.env,
          SIGSOCKET_SERVER: cluster.server.url,
          SIGSOCKET_TOKEN: await coordinatorToken(),
          SIGSOCKET_PARTICIPANTS: names.join(','),
          SIGSOCKET_THRESHOLD: '2',
          SIGSOCKET_SCHEME: 'frost-secp256k1-tr',
        },
      },
    );
    expect(stdout).toMatch(/key key_\w+: group key 0[23][0-9a-f]{64}, bc1p\w+/);
    expect(stdout).toMatch(/signature [0-9a-f]{128} verified/);
  });
});
