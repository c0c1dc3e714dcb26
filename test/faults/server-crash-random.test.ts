// Issue 7, server crash at random points (property-based): real participant agents run a keygen
// and a signing at full speed while the server (a child process) is SIGKILLed after random
// delays, once or twice per run, and started again on the same data directory. Sometimes a
// signer holds back its answer (after the other one answered): that signing must then time out
// waiting for it alone. Whatever
// the kill points, every session ends as it should, every subscriber saw each stored event
// exactly once, the database is sound, and no nonce commitment was ever published twice.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeygen, startSign } from '../../client/coordinator/index.js';
import type { Invitation } from '../../client/participant/index.js';
import { sleep } from '../../client/retry.js';
import type { SigSocketClient } from '../../client/trpc.js';
import {
  AgentPool,
  completedKeygen,
  hexOf,
  inboxIds,
  resultOf,
  signatureVerifies,
  waitFor,
  type Agent,
} from '../agents/support.js';
import {
  expectHandledExactly,
  expectNoncesSingleUse,
  expectWatchedExactly,
  follow,
} from './support/crash-checks.js';
import { reportFigures } from './support/crash-figures.js';
import { CrashableServer, killAndRestart } from './support/crash-server.js';
import { pinned } from '../support/sessions.js';

const NAMES = ['alice', 'bob', 'dave'];
const RUNS = 6;
/** Deadline of a signing someone holds back (the others answer before any kill). */
const HELD_BACK_DEADLINE_MS = 6_000;

let server: CrashableServer;
let pool: AgentPool;
let agents: Agent[];
let coordinator: SigSocketClient;
let key: { keyId: string; groupPublicKey: string };
/** Session id → the agent that does not answer its invitation until the session is over. */
const heldBack = new Map<string, { name: string; answer?: () => void }>();

beforeAll(async () => {
  server = await CrashableServer.start();
  pool = new AgentPool(server);
  agents = await Promise.all(
    NAMES.map((name) =>
      pool.agent(name, {
        approve: (invite: Invitation) => {
          const held = heldBack.get(invite.sessionId);
          if (held?.name !== name) return true;
          return new Promise<boolean>((resolve) => (held.answer = () => resolve(true)));
        },
      }),
    ),
  );
  coordinator = await pool.client('carol', 'coordinator');
  key = await completedKeygen(coordinator, NAMES, 2);
}, 60_000);

afterAll(async () => {
  await pool?.cleanup();
  await server?.kill();
  reportFigures('server SIGKILLed at random points');
});

const runArbitrary = fc.record({
  /** Wait before each kill (ms after the sessions start, then after each restart). */
  delays: fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 1, maxLength: 2 }),
  signers: fc.subarray(NAMES, { minLength: 2, maxLength: 2 }),
  holdBack: fc.boolean(),
});

describe('a server SIGKILLed at random points', { timeout: 600_000 }, () => {
  it(`${RUNS} runs: every session ends as it should; no event lost or repeated; no nonce reused`, async () => {
    let run = 0;
    const property = fc.asyncProperty(runArbitrary, async ({ delays, signers, holdBack }) => {
      run++;
      const keygenId = `random-${run}-keygen`;
      const signId = `random-${run}-sign`;
      const laggard = holdBack ? signers[1]! : undefined;
      if (laggard) heldBack.set(signId, { name: laggard });
      const message = hexOf(signId);
      await startKeygen(coordinator, { sessionId: keygenId, threshold: 2, participants: NAMES });
      await startSign(coordinator, {
        sessionId: signId,
        keyId: key.keyId,
        message,
        participants: signers,
        ...(laggard
          ? { timeouts: { inviteMs: HELD_BACK_DEADLINE_MS, roundMs: HELD_BACK_DEADLINE_MS } }
          : {}),
      });
      const watched = [follow(coordinator, keygenId), follow(coordinator, signId)];
      // The other signer answers first: the kills then cannot make it late, only the laggard is.
      if (laggard) await pinned(coordinator, signId, 'inviting', [laggard]);

      for (const delay of delays) {
        await sleep(delay);
        await killAndRestart(server, [keygenId, signId]);
      }

      const [keygen, sign] = await Promise.all(watched.map((w) => w.ended));
      expect(keygen!.state, JSON.stringify(keygen!.error)).toBe('completed');
      if (laggard) {
        expect(sign).toMatchObject({
          state: 'timed_out',
          phase: 'inviting',
          waitingFor: [laggard],
        });
        heldBack.get(signId)!.answer?.(); // too late: the agent is told the session is over
      } else {
        expect(sign!.state, JSON.stringify(sign!.error)).toBe('completed');
        const { signature } = resultOf(sign!);
        expect(signatureVerifies('frost-secp256k1', key.groupPublicKey, message, signature!)).toBe(
          true,
        );
      }
      expectWatchedExactly(server.dataDir, 'carol', keygenId, watched[0]!);
      expectWatchedExactly(server.dataDir, 'carol', signId, watched[1]!);
    });
    await fc.assert(property, { numRuns: RUNS, endOnFailure: true });

    for (const agent of agents) {
      await waitFor(
        () => agent.handled.length >= inboxIds(server, agent.name).length,
        `${agent.name} handled its inbox`,
      );
      expectHandledExactly(server.dataDir, agent);
    }
    expectNoncesSingleUse(
      server.dataDir,
      Object.fromEntries(agents.map((a) => [a.name, a.keystoreDir])),
    );
  });
});
