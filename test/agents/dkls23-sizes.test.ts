// DKLs23 at other sizes, end to end through a real server with real participant agents (issue
// 13, "Done when"): 2-of-2; a 3-of-5 key that every one of its 10 signer triples signs with;
// a 7-of-10 keygen and one signing. Every signature is checked by noble (`prehash: false`),
// OpenSSL (the DER under the group key) and ethers (the recovered address is the key's).
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { AgentPool } from './support.js';
import {
  dklsKeygen,
  expectValidSignature,
  inBatches,
  keyOf,
  signAndVerify,
  startDigestSign,
  subsets,
} from './support-dkls23.js';
import { followSession } from '../../client/coordinator/index.js';

let pool: AgentPool | undefined;
afterEach(async () => {
  await pool?.cleanup();
  pool = undefined;
});

/** The body limit the 7-of-10 signing needs (docs/ecdsa.md, Limits). */

const named = (n: number) => Array.from({ length: n }, (_, i) => `holder${i + 1}`);

describe('participant agents: DKLs23 keys of other sizes', { timeout: 180_000 }, () => {
  it('2-of-2: both holders make the key and sign', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const names = named(2);
    await pool.agentsNamed(names);
    const coordinator = await pool.client('coord', 'coordinator');
    const key = await keyOf(coordinator, await dklsKeygen(coordinator, names, 2));
    await signAndVerify(coordinator, key, names);
  });

  it('3-of-5: every one of the 10 signer triples signs its own digest', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const names = named(5);
    const agents = await pool.agentsNamed(names);
    const coordinator = await pool.client('coord', 'coordinator');
    const key = await keyOf(coordinator, await dklsKeygen(coordinator, names, 3));

    const triples = subsets(names, 3);
    expect(triples).toHaveLength(10);
    // Four signings at once: each agent takes part in several concurrently (every submission
    // goes in its own HTTP body, so they never add up past the 1 MiB body limit).
    const signed = await inBatches(
      triples.map((signers) => async () => {
        const { sessionId, digest } = await startDigestSign(coordinator, key, signers);
        const view = await followSession(coordinator, sessionId);
        return { signers, digest, result: await expectValidSignature(view, key, digest) };
      }),
      4,
    );
    const signatures = new Set(signed.map((s) => s.result.signature));
    const digests = new Set(signed.map((s) => s.result.digest));
    expect(signatures.size).toBe(10);
    expect(digests.size).toBe(10);
    // Each holder signed in exactly the 6 triples it belongs to, and saw no error.
    for (const agent of agents) {
      const rounds = agent.events.filter(
        (e) => e.type === 'submitted' && e.kind === 'dkls23_sign_round3',
      );
      expect(rounds, agent.name).toHaveLength(6);
      expect(agent.events.filter((e) => e.type === 'error')).toEqual([]);
    }
  });

  it('7-of-10: keygen, then one signing by seven holders', async () => {
    // A 7-of-10 round-2 submission is 6 sealed messages of 107 kB: inside the default 1 MiB.
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const names = named(10);
    await pool.agentsNamed(names);
    const coordinator = await pool.client('coord', 'coordinator');
    const key = await keyOf(coordinator, await dklsKeygen(coordinator, names, 7));
    await signAndVerify(coordinator, key, [
      'holder1',
      'holder3',
      'holder4',
      'holder6',
      'holder7',
      'holder9',
      'holder10',
    ]);
  });
});
