import { afterEach, describe, expect, it } from 'vitest';
import { followSession, startKeygen, startSign } from '../../client/coordinator/index.js';
import type { Scheme } from '../../protocol/frost/schemes.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { AgentPool, resultOf, signatureVerifies } from './support.js';

let pool: AgentPool | undefined;
afterEach(async () => {
  await pool?.cleanup();
  pool = undefined;
});

async function keygenAndSign(server: TestServer, scheme: Scheme, t: number, names: string[]) {
  pool = new AgentPool(server);
  await pool.agentsNamed(names);
  const coordinator = await pool.client('carol', 'coordinator');
  const { session } = await startKeygen(coordinator, { threshold: t, participants: names, scheme });
  const keygen = await followSession(coordinator, session.id);
  const { keyId, groupPublicKey } = resultOf(keygen);
  expect(keygen.state).toBe('completed');

  const signers = names.slice(names.length - t); // not the first t: indexes need not start at 1
  const message = Buffer.from(`pay ${t}-of-${names.length} ${scheme}`).toString('hex');
  const started = await startSign(coordinator, { keyId: keyId!, message, participants: signers });
  const signed = await followSession(coordinator, started.session.id);
  expect(signed.state).toBe('completed');
  expect(signatureVerifies(scheme, groupPublicKey!, message, resultOf(signed).signature!)).toBe(
    true,
  );
  return { keyId: keyId!, groupPublicKey: groupPublicKey!, keygen, signed };
}

describe('participant agents: keygen and signing end to end', { timeout: 120_000 }, () => {
  for (const scheme of ['frost-secp256k1', 'frost-secp256k1-tr'] as const) {
    it(`2-of-3 with ${scheme}`, async () => {
      await using server = await startTestServer();
      const { keygen } = await keygenAndSign(server, scheme, 2, ['alice', 'bob', 'dave']);
      if (scheme === 'frost-secp256k1-tr') expect(resultOf(keygen).address).toMatch(/^bc1p/);
    });

    it(`3-of-5 with ${scheme}`, async () => {
      await using server = await startTestServer();
      await keygenAndSign(server, scheme, 3, ['p1', 'p2', 'p3', 'p4', 'p5']);
    });
  }
});
