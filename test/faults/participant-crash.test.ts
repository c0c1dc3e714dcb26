// Issue 7, participant crash / disconnect: in every working phase of keygen and of signing, the
// agent dave either crashes (stops without cleanup, its connection drops; then starts again on
// its keystore) or is cut off the network (a proxy drops its connections, then lets it back).
// The session waits for dave alone; once dave is back it resumes and the session completes.
// Every subscriber saw each stored event exactly once; no nonce commitment was used twice.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import {
  AgentPool,
  completedKeygen,
  inboxIds,
  resultOf,
  signatureVerifies,
  waitFor,
} from '../agents/support.js';
import { crash, outageAt } from './support/crash-agents.js';
import {
  expectHandledExactly,
  expectNoncesSingleUse,
  expectWatchedExactly,
  follow,
} from './support/crash-checks.js';
import { reportFigures, tally } from './support/crash-figures.js';
import { CRASH_PHASES, phaseName, startSession } from './support/crash-phases.js';
import { CrashProxy } from './support/crash-proxy.js';
import { pinned } from '../support/sessions.js';

const NAMES = ['alice', 'bob', 'dave'];
const OUTAGES = ['crashes', 'is cut off'] as const;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => reportFigures('participant crashed or cut off in every phase'));

const cases = CRASH_PHASES.flatMap((phase) =>
  OUTAGES.map((outage) => [outage, phaseName(phase), phase] as const),
);

describe('a participant that crashes or is cut off in every phase', { timeout: 120_000 }, () => {
  it.each(cases)(
    'dave %s in %s: it comes back, resumes and the session completes; no event lost or repeated, no nonce reused',
    async (outage, name, phase) => {
      const server = await startTestServer();
      const proxy = await CrashProxy.start(server.port);
      const pool = new AgentPool(server);
      // dave talks to the server through the proxy, so it can be cut off alone.
      const davePool = new AgentPool({ ...server, url: proxy.url });
      cleanups.push(
        () => server.close(),
        () => proxy.close(),
        () => pool.cleanup(),
        () => davePool.cleanup(),
      );
      const agents = [...(await pool.agentsNamed(['alice', 'bob'])), await davePool.agent('dave')];
      const dave = agents[2]!;
      const coordinator = await pool.client('carol', 'coordinator');
      const key = phase.kind === 'sign' ? await completedKeygen(coordinator, NAMES, 2) : undefined;

      const sessionId = `${outage === 'crashes' ? 'crash' : 'cut'}-${name}`;
      const down = outageAt(dave, phase, sessionId, () => {
        if (outage === 'crashes') return crash(dave);
        proxy.cut();
        tally.disconnect();
      });
      await startSession(coordinator, phase, {
        sessionId,
        participants: phase.kind === 'keygen' ? NAMES : ['alice', 'dave'],
        ...(key ? { keyId: key.keyId } : {}),
      });
      const watched = follow(coordinator, sessionId);
      await down;
      await pinned(coordinator, sessionId, phase.state, ['dave']);
      if (outage === 'crashes') await dave.start();
      else proxy.restore();

      const done = await watched.ended;
      expect(done.state, JSON.stringify(done.error)).toBe('completed');
      if (key) {
        const { signature } = resultOf(done);
        expect(
          signatureVerifies('frost-secp256k1', key.groupPublicKey, done.message!, signature!),
        ).toBe(true);
      }
      expectWatchedExactly(server.dataDir, 'carol', sessionId, watched);
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
    },
  );
});
