import { afterEach, describe, expect, it } from 'vitest';
import { followSession, startKeygen, startSign } from '../../client/coordinator/index.js';
import type { Invitation } from '../../client/participant/index.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  AgentPool,
  handledExactlyOnce,
  hexOf,
  resultOf,
  signatureVerifies,
  waitFor,
} from './support.js';

let pool: AgentPool | undefined;
let server: TestServer | undefined;
afterEach(async () => {
  await pool?.cleanup();
  await server?.close();
  pool = undefined;
  server = undefined;
});

/** Stops the server and starts a new one on the same data directory and port. */
async function restart(current: TestServer): Promise<TestServer> {
  await current.close();
  return startTestServer({ dataDir: current.dataDir, port: current.port });
}

/** An approval that waits until the test opens the gate for that session. */
function gatedApproval() {
  const gates = new Map<string, () => void>();
  const asked = new Set<string>();
  return {
    approve: (invite: Invitation) => {
      asked.add(invite.sessionId);
      return new Promise<boolean>((resolve) => gates.set(invite.sessionId, () => resolve(true)));
    },
    asked: (sessionId: string) =>
      waitFor(() => asked.has(sessionId), `the invitation of ${sessionId}`),
    open: (sessionId: string) => gates.get(sessionId)!(),
  };
}

describe('a server restart mid-session', { timeout: 120_000 }, () => {
  it('agents reconnect and resume; the keygen and the signing both complete', async () => {
    server = await startTestServer();
    pool = new AgentPool(server);
    const gate = gatedApproval();
    const agents = [
      await pool.agent('alice'),
      await pool.agent('bob'),
      await pool.agent('dave', { approve: gate.approve }),
    ];
    const coordinator = await pool.client('carol', 'coordinator');

    // The server goes down while dave still decides; every round then runs on the new one.
    const { session: kg } = await startKeygen(coordinator, {
      threshold: 2,
      participants: ['alice', 'bob', 'dave'],
    });
    await gate.asked(kg.id);
    server = await restart(server);
    gate.open(kg.id);
    const keygen = await followSession(coordinator, kg.id);
    const { keyId, groupPublicKey } = resultOf(keygen);

    const message = hexOf('after a restart');
    const { session: sg } = await startSign(coordinator, {
      keyId: keyId!,
      message,
      participants: ['alice', 'dave'],
    });
    await gate.asked(sg.id);
    server = await restart(server);
    gate.open(sg.id);
    const signed = await followSession(coordinator, sg.id);
    expect(
      signatureVerifies('frost-secp256k1', groupPublicKey!, message, resultOf(signed).signature!),
    ).toBe(true);

    // That both sessions completed on the new servers is the proof that the agents reconnected:
    // every round after a restart needed them. (Neither a 'disconnected' nor a new 'subscribed'
    // event is certain: on the server's reconnect notice tRPC's client may move the
    // subscription to a new socket without an error or a new start.)
    for (const agent of agents) {
      await waitFor(
        () => agent.handled.length >= handledExactlyOnce(server!, agent).inbox.length,
        `${agent.name} handled its inbox`,
      );
      const seen = handledExactlyOnce(server, agent);
      expect(seen.duplicates).toBe(0);
      expect(seen.handled).toEqual(seen.inbox);
    }
  });
});
