import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { followSession, startKeygen, startSign } from '../../client/coordinator/index.js';
import { readCommitmentLog } from '../../client/participant/index.js';
import type { AgentEvent } from '../../client/participant/index.js';
import { startTestServer } from '../support/server.js';
import {
  AgentPool,
  completedKeygen,
  handledExactlyOnce,
  handledOfType,
  hexOf,
  resultOf,
  signatureVerifies,
  waitFor,
  type Agent,
} from './support.js';

let pool: AgentPool | undefined;
afterEach(async () => {
  await pool?.cleanup();
  pool = undefined;
});

/** Stops `agent` synchronously right after it handled the first event matching `match`. */
function stopAfter(
  agent: Agent,
  match: (e: Extract<AgentEvent, { type: 'event' }>['event']) => boolean,
): Promise<void> {
  return new Promise((resolve) => {
    agent.hooks.onEvent = (e) => {
      if (e.type !== 'event' || !match(e.event)) return;
      agent.hooks.onEvent = undefined;
      void agent.stop().then(resolve);
    };
  });
}

/** No commitment appears twice in any agent's log (across restarts) nor across agents. */
function commitmentsNeverReused(agents: Agent[]): void {
  const all = agents.flatMap((a) =>
    readCommitmentLog(a.keystoreDir).map((e) => `${e.hiding}${e.binding}`),
  );
  expect(all.length).toBeGreaterThan(0);
  expect(new Set(all).size).toBe(all.length);
}

describe('participant agents survive restarts and lost state', { timeout: 120_000 }, () => {
  it('an agent stopped mid-keygen and mid-sign resumes: no event missed or seen twice, no nonce reused', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const [alice, bob, dave] = await pool.agentsNamed(['alice', 'bob', 'dave']);
    const coordinator = await pool.client('carol', 'coordinator');

    // Keygen: dave stops right after sending its round-2 shares, so the session needs it again.
    const { session: kg } = await startKeygen(coordinator, {
      threshold: 2,
      participants: ['alice', 'bob', 'dave'],
      scheme: 'frost-secp256k1-tr',
    });
    await stopAfter(dave!, (e) => e.sessionId === kg.id && e.type === 'round1_packages');
    await waitFor(async () => {
      const v = await coordinator.session.get.query({ sessionId: kg.id });
      return v.state === 'confirming' && v.waitingFor.includes('dave');
    }, 'the keygen waits for dave in confirming');
    await dave!.start();
    const keygen = await followSession(coordinator, kg.id);
    const { keyId, groupPublicKey } = resultOf(keygen);

    // Sign: dave stops right after committing; the signing package waits for its restart.
    const message = hexOf('resume me');
    const { session: sg } = await startSign(coordinator, {
      keyId: keyId!,
      message,
      participants: ['bob', 'dave'],
    });
    await stopAfter(
      dave!,
      (e) =>
        e.sessionId === sg.id && e.type === 'phase_changed' && e.payload['phase'] === 'commitments',
    );
    await waitFor(async () => {
      const v = await coordinator.session.get.query({ sessionId: sg.id });
      return v.state === 'shares' && v.waitingFor.includes('dave');
    }, 'the sign session waits for dave in shares');
    await dave!.start();
    const signed = await followSession(coordinator, sg.id);
    expect(
      signatureVerifies(
        'frost-secp256k1-tr',
        groupPublicKey!,
        message,
        resultOf(signed).signature!,
      ),
    ).toBe(true);
    expect(signed.commitRound).toBe(1);

    for (const agent of [alice!, bob!, dave!]) {
      await waitFor(
        () => agent.handled.length >= handledExactlyOnce(server, agent).inbox.length,
        `${agent.name} handled its inbox`,
      );
      const seen = handledExactlyOnce(server, agent);
      expect(seen.duplicates).toBe(0);
      expect(seen.handled).toEqual(seen.inbox);
    }
    expect(handledOfType(dave!, kg.id, 'round2_shares')).toBe(1);
    expect(handledOfType(dave!, sg.id, 'signing_package')).toBe(1);
    commitmentsNeverReused([alice!, bob!, dave!]);
  });

  it('an agent that lost its keystore signs with the escrow the server kept', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const [, bob] = await pool.agentsNamed(['alice', 'bob', 'dave']);
    const coordinator = await pool.client('carol', 'coordinator');
    const { keyId, groupPublicKey } = await completedKeygen(
      coordinator,
      ['alice', 'bob', 'dave'],
      2,
    );

    await bob!.stop();
    fs.rmSync(bob!.keystoreDir, { recursive: true });
    await bob!.start();

    const message = hexOf('from the escrow');
    const { session } = await startSign(coordinator, {
      keyId,
      message,
      participants: ['alice', 'bob'],
    });
    const signed = await followSession(coordinator, session.id);
    expect(
      signatureVerifies('frost-secp256k1', groupPublicKey, message, resultOf(signed).signature!),
    ).toBe(true);
    expect(bob!.events).toContainEqual({ type: 'escrow_used', sessionId: session.id, keyId });
  });

  it('an agent whose nonces vanish between commit and share makes the server restart the round', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    const agents = await pool.agentsNamed(['alice', 'bob', 'dave']);
    const dave = agents[2]!;
    const coordinator = await pool.client('carol', 'coordinator');
    const { keyId, groupPublicKey } = await completedKeygen(
      coordinator,
      ['alice', 'bob', 'dave'],
      2,
    );

    // Right after dave committed in round 1, its nonce file disappears (a crash, a lost disk).
    let deleted = '';
    dave.hooks.onEvent = (e) => {
      if (deleted || e.type !== 'submitted' || e.kind !== 'commitments') return;
      deleted = path.join(dave.keystoreDir, 'nonces', `${e.sessionId}@1.sealed`); // docs/participant.md
      fs.rmSync(deleted);
    };
    const message = hexOf('fresh nonces please');
    const { session } = await startSign(coordinator, {
      keyId,
      message,
      participants: ['alice', 'dave'],
    });
    const signed = await followSession(coordinator, session.id);
    expect(deleted).not.toBe('');
    expect(signed.commitRound).toBe(2);
    expect(
      signatureVerifies('frost-secp256k1', groupPublicKey, message, resultOf(signed).signature!),
    ).toBe(true);
    expect(dave.events).toContainEqual({
      type: 'submitted',
      sessionId: session.id,
      kind: 'nonces_lost',
    });
    const rounds = readCommitmentLog(dave.keystoreDir)
      .filter((e) => e.sessionId === session.id)
      .map((e) => e.commitRound);
    expect(rounds).toEqual([1, 2]);
    commitmentsNeverReused(agents);
  });
});
