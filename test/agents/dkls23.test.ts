// DKLs23 threshold ECDSA end to end: a real server and real participant agents run a 2-of-3
// keygen and a signing by one pair (docs/participant.md, DKLs23). The signature is checked with
// noble, OpenSSL and ethers; agents stopped mid-keygen and mid-signing resume (a signer that
// lost its in-memory round state reports it and the signing restarts), and a signer without
// its key share in the keystore signs from the escrow.
import fs from 'node:fs';
import path from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { recoverAddress } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { followSession, startKeygen, startSign } from '../../client/coordinator/index.js';
import type { AgentEvent } from '../../client/participant/index.js';
import type { SigSocketClient } from '../../client/trpc.js';
import { opensslVerifyEcdsa } from '../support/independent-verifiers.js';
import { startTestServer } from '../support/server.js';
import { AgentPool, resultOf, type Agent } from './support.js';

let pool: AgentPool | undefined;
afterEach(async () => {
  await pool?.cleanup();
  pool = undefined;
});

const SCHEME = 'dkls23-secp256k1';
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

type HandledEvent = Extract<AgentEvent, { type: 'event' }>['event'];

/** Stops `agent` right after it handled the first event matching `match`. */
function stopAfter(agent: Agent, match: (e: HandledEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    agent.hooks.onEvent = (e) => {
      if (e.type !== 'event' || !match(e.event)) return;
      agent.hooks.onEvent = undefined;
      void agent.stop().then(resolve);
    };
  });
}

async function dklsKeygen(coordinator: SigSocketClient, participants: string[]) {
  const { session } = await startKeygen(coordinator, {
    threshold: 2,
    participants,
    scheme: SCHEME,
  });
  return session.id;
}

async function keyOf(coordinator: SigSocketClient, sessionId: string) {
  const view = await followSession(coordinator, sessionId);
  expect(view.state).toBe('completed');
  const { keyId, groupPublicKey, ethereumAddress } = resultOf(view);
  expect(groupPublicKey).toMatch(/^0[23][0-9a-f]{64}$/);
  return { keyId: keyId!, groupPublicKey: groupPublicKey!, ethereumAddress: ethereumAddress! };
}

/** Signs a fresh digest with `signers` and checks the result with three independent verifiers. */
async function signAndVerify(
  coordinator: SigSocketClient,
  key: { keyId: string; groupPublicKey: string; ethereumAddress: string },
  signers: string[],
  beforeFollow?: (sessionId: string) => Promise<void>,
) {
  const digest = randomBytes(32);
  const { session } = await startSign(coordinator, {
    keyId: key.keyId,
    digest: hex(digest),
    participants: signers,
  });
  await beforeFollow?.(session.id);
  const view = await followSession(coordinator, session.id);
  expect(view.state).toBe('completed');
  const result = resultOf(view);
  expect(result.digest).toBe(hex(digest));
  expect(result.keyId).toBe(key.keyId);
  expect(result.groupPublicKey).toBe(key.groupPublicKey);
  const pk = bytes(key.groupPublicKey);
  const compact = bytes(result.signature!);
  expect(compact.length).toBe(64);
  expect(secp256k1.verify(compact, digest, pk, { prehash: false })).toBe(true);
  expect(secp256k1.verify(compact, randomBytes(32), pk, { prehash: false })).toBe(false);
  expect(await opensslVerifyEcdsa(pk, digest, bytes(result.der!))).toBe(true);
  expect(recoverAddress('0x' + hex(digest), prefixed(result.ethereum!))).toBe(key.ethereumAddress);
  return { sessionId: session.id, result };
}

const prefixed = (h: string) => (h.startsWith('0x') ? h : '0x' + h);

const eventsOf = (agent: Agent, sessionId: string, type: string) =>
  agent.events.filter(
    (e) => e.type === 'event' && e.event.sessionId === sessionId && e.event.type === type,
  ).length;

const submitted = (agent: Agent, sessionId: string, kind: string) =>
  agent.events.filter((e) => e.type === 'submitted' && e.sessionId === sessionId && e.kind === kind)
    .length;

describe('participant agents: DKLs23 keygen and signing end to end', { timeout: 180_000 }, () => {
  it('2-of-3 keygen, then one pair signs a digest: noble, OpenSSL and ethers accept it', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const agents = await pool.agentsNamed(['alice', 'bob', 'dave']);
    const coordinator = await pool.client('carol', 'coordinator');
    const kg = await dklsKeygen(coordinator, ['alice', 'bob', 'dave']);
    const key = await keyOf(coordinator, kg);
    for (const agent of agents) {
      expect(agent.events).toContainEqual({
        type: 'key_stored',
        keyId: key.keyId,
        groupPublicKey: key.groupPublicKey,
      });
      // The round state went once the key was filed; the share stays under the key id.
      expect(fs.readdirSync(path.join(agent.keystoreDir, 'dkls-keygen'))).toEqual([]);
      expect(fs.readdirSync(path.join(agent.keystoreDir, 'dkls-key'))).toHaveLength(1);
    }
    const { sessionId } = await signAndVerify(coordinator, key, ['bob', 'dave']);
    for (const agent of agents.slice(1)) {
      expect(submitted(agent, sessionId, 'dkls23_sign_round3')).toBe(1);
      expect(agent.events.some((e) => e.type === 'error')).toBe(false);
    }
    expect(eventsOf(agents[0]!, sessionId, 'dkls23_sign_round1')).toBe(0);
  });

  it('agents stopped mid-keygen and mid-signing resume; the lost attempt restarts', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const [, bob, dave] = await pool.agentsNamed(['alice', 'bob', 'dave']);
    const coordinator = await pool.client('carol', 'coordinator');

    // Keygen: dave stops right after sending round 2; it finishes from its sealed round state.
    const kg = await dklsKeygen(coordinator, ['alice', 'bob', 'dave']);
    await stopAfter(dave!, (e) => e.sessionId === kg && e.type === 'dkls23_keygen_round1');
    await dave!.start();
    const key = await keyOf(coordinator, kg);

    // Signing: bob stops right after its round 1; its secrets were in memory only, so on the
    // relay it reports them lost and both signers run attempt 2 with fresh ones.
    const { sessionId } = await signAndVerify(coordinator, key, ['bob', 'dave'], async (id) => {
      await stopAfter(
        bob!,
        (e) => e.sessionId === id && e.type === 'phase_changed' && e.payload['phase'] === 'round1',
      );
      await bob!.start();
    });
    expect(submitted(bob!, sessionId, 'dkls23_secrets_lost')).toBe(1);
    expect(submitted(bob!, sessionId, 'dkls23_sign_round1')).toBe(2);
    expect(eventsOf(dave!, sessionId, 'dkls23_sign_restarted')).toBe(1);
  });

  it('a signer whose whole keystore is lost after its round 1 starts a new attempt, blamed for nothing', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const [, bob] = await pool.agentsNamed(['alice', 'bob', 'dave']);
    const coordinator = await pool.client('carol', 'coordinator');
    const key = await keyOf(coordinator, await dklsKeygen(coordinator, ['alice', 'bob', 'dave']));
    // Bob's keystore (records, inbox cursor, key share) is gone after his round 1: he replays
    // his inbox from the start, knows nothing of the attempt, and makes a fresh round 1. The
    // server refuses it (it holds the first), so he reports the attempt lost instead of going on.
    const { sessionId } = await signAndVerify(coordinator, key, ['alice', 'bob'], async (id) => {
      await stopAfter(
        bob!,
        (e) => e.sessionId === id && e.type === 'phase_changed' && e.payload['phase'] === 'round1',
      );
      fs.rmSync(bob!.keystoreDir, { recursive: true, force: true });
      await bob!.start();
    });
    expect(submitted(bob!, sessionId, 'dkls23_secrets_lost')).toBe(1);
    expect((await coordinator.key.get.query({ keyId: key.keyId })).bans).toEqual([]);
  });

  it('a signer whose keystore lost the key share signs from the escrow', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const [, bob] = await pool.agentsNamed(['alice', 'bob', 'dave']);
    const coordinator = await pool.client('carol', 'coordinator');
    const key = await keyOf(coordinator, await dklsKeygen(coordinator, ['alice', 'bob', 'dave']));
    await bob!.stop();
    fs.rmSync(path.join(bob!.keystoreDir, 'dkls-key'), { recursive: true });
    await bob!.start();
    const { sessionId } = await signAndVerify(coordinator, key, ['alice', 'bob']);
    expect(bob!.events).toContainEqual({ type: 'escrow_used', sessionId, keyId: key.keyId });
  });
});
