// A DKLs23 cheater among real agents: the honest agents catch it, complain (naming the pair),
// and forget what the failed session left them — the sealed keygen state on disk and, in a
// signing, the attempt in memory (a later signing of the key by honest holders still works).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startKeygen, startSign } from '../../client/coordinator/index.js';
import { DklsScriptedParticipant } from '../support/dkls23-scripted.js';
import { startTestServer } from '../support/server.js';
import { waitForState } from '../support/sessions.js';
import { AgentPool, resultOf } from './support.js';

let pool: AgentPool | undefined;
let cheater: DklsScriptedParticipant | undefined;
afterEach(async () => {
  await cheater?.stop();
  await pool?.cleanup();
  pool = cheater = undefined;
});

const files = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

it('a cheater among real agents is caught at keygen and at signing; the honest agents forget the session', async () => {
  await using server = await startTestServer();
  pool = new AgentPool(server);
  const agents = await pool.agentsNamed(['alice', 'bob']);
  const coordinator = await pool.client('coord', 'coordinator');
  const token = await server.token('mallory', 'participant');
  cheater = new DklsScriptedParticipant('mallory', {
    url: server.url,
    token,
    behaviour: { badShareFor: 'alice' },
  });
  await cheater.register();
  cheater.start();
  const names = ['alice', 'bob', 'mallory'];

  const bad = await startKeygen(coordinator, {
    scheme: 'dkls23-secp256k1',
    threshold: 2,
    participants: names,
  });
  const failed = await waitForState(coordinator, bad.session.id, undefined, 60_000);
  expect(failed.state).toBe('failed');
  expect(failed.error).toMatchObject({ code: 'COMPLAINT', accuser: 'alice', accused: 'mallory' });
  for (const agent of agents) {
    await expect.poll(() => files(path.join(agent.keystoreDir, 'dkls-keygen'))).toEqual([]);
    expect(files(path.join(agent.keystoreDir, 'dkls-key-share'))).toEqual([]);
  }

  cheater.misbehave({});
  const good = await startKeygen(coordinator, {
    scheme: 'dkls23-secp256k1',
    threshold: 2,
    participants: names,
  });
  const keygen = await waitForState(coordinator, good.session.id, undefined, 60_000);
  expect(keygen.state).toBe('completed');
  const keyId = resultOf(keygen).keyId!;

  cheater.misbehave({ badMultiplicationFor: 'bob' });
  const sign = await startSign(coordinator, {
    keyId,
    digest: '42'.repeat(32),
    participants: ['bob', 'mallory'],
  });
  const refused = await waitForState(coordinator, sign.session.id, undefined, 60_000);
  expect(refused.state).toBe('failed');
  expect(refused.error).toMatchObject({ code: 'COMPLAINT', accuser: 'bob', accused: 'mallory' });
  expect(refused.error!.message).toMatch(/MULTIPLICATION_CHECK_FAILED/);
  expect(refused.result).toBeNull();

  // Both were barred; once cleared, the honest pair signs: bob kept nothing of the failed attempt.
  await coordinator.key.clearBan.mutate({ keyId, participant: 'bob' });
  const next = await startSign(coordinator, {
    keyId,
    digest: '43'.repeat(32),
    participants: ['alice', 'bob'],
  });
  const signed = await waitForState(coordinator, next.session.id, undefined, 60_000);
  expect(signed.state, JSON.stringify(signed.error)).toBe('completed');
  for (const agent of agents) {
    expect(agent.events.filter((e) => e.type === 'error')).toEqual([]);
  }
}, 120_000);
