// Issue 7, participant crash: in every working phase of keygen and of signing, the agent dave
// crashes and never comes back. The session ends cleanly: timed out at its deadline, waiting for
// dave alone; everyone else is told and keeps no secret of the session. (The phases run
// concurrently, each on its own server: the deadline is what takes time here.)
import { afterAll, describe, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { AgentPool, completedKeygen, inboxIds, waitFor } from '../agents/support.js';
import { crash, outageAt, secretsLeft } from './support/crash-agents.js';
import {
  expectHandledExactly,
  expectNoncesSingleUse,
  expectWatchedExactly,
  follow,
} from './support/crash-checks.js';
import { reportFigures } from './support/crash-figures.js';
import { CRASH_PHASES, phaseName, startSession } from './support/crash-phases.js';
import { pinned } from '../support/sessions.js';

const NAMES = ['alice', 'bob', 'dave'];
/** Every phase's deadline: ample for alice and bob even with seven sessions on two cores. */
const DEADLINE_MS = 10_000;

afterAll(() => reportFigures('participant crashed for good in every phase'));

describe('a participant that crashes for good', { timeout: 120_000 }, () => {
  it.concurrent.for(CRASH_PHASES.map((phase) => [phaseName(phase), phase] as const))(
    'dave crashes in %s: the session times out waiting for dave alone; the others are told and forget it',
    async ([name, phase], { expect, onTestFinished }) => {
      const server = await startTestServer();
      const pool = new AgentPool(server);
      onTestFinished(async () => {
        await pool.cleanup();
        await server.close();
      });
      const agents = await pool.agentsNamed(NAMES);
      const dave = agents[2]!;
      const coordinator = await pool.client('carol', 'coordinator');
      const key = phase.kind === 'sign' ? await completedKeygen(coordinator, NAMES, 2) : undefined;
      const members = phase.kind === 'keygen' ? NAMES : ['alice', 'dave'];

      const sessionId = `abandoned-${name}`;
      const down = outageAt(dave, phase, sessionId, () => crash(dave));
      await startSession(coordinator, phase, {
        sessionId,
        participants: members,
        deadlineMs: DEADLINE_MS,
        ...(key ? { keyId: key.keyId } : {}),
      });
      const watched = follow(coordinator, sessionId);
      await down;
      await pinned(coordinator, sessionId, phase.state, ['dave']);

      const ended = await watched.ended;
      expect(ended).toMatchObject({ state: 'timed_out', phase: phase.state, waitingFor: ['dave'] });
      expect(ended.error?.waitingFor).toEqual(['dave']);
      expectWatchedExactly(server.dataDir, 'carol', sessionId, watched);

      const alive = agents.filter((a) => a !== dave);
      for (const agent of alive) {
        await waitFor(
          () => agent.handled.length >= inboxIds(server, agent.name).length,
          `${agent.name} handled its inbox`,
        );
        expectHandledExactly(server.dataDir, agent);
        if (!members.includes(agent.name)) continue;
        expect(agent.events).toContainEqual({
          type: 'session_ended',
          sessionId,
          state: 'timed_out',
        });
        expect(secretsLeft(agent.keystoreDir, sessionId), `${agent.name}'s keystore`).toEqual([]);
      }
      expectNoncesSingleUse(
        server.dataDir,
        Object.fromEntries(agents.map((a) => [a.name, a.keystoreDir])),
      );
    },
  );
});
