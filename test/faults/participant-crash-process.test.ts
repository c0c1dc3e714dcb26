// Issue 7, participant crash with a real process: dave runs as `sigsocket participant` and is
// SIGKILLed — in every working phase right after it acted (alice and bob are held so the session
// stays there), at random points (property-based: mid-handler, between its keystore writes), and
// once for good. Restarted on its keystore it finishes every session; gone for good, the session
// times out waiting for it alone. Nothing it published is ever published again: every nonce
// commitment the server accepted from it is in its commitments.log, once.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../client/retry.js';
import type { SigSocketClient } from '../../client/trpc.js';
import { verifySignature } from '../../protocol/frost/index.js';
import type { ScriptedParticipant } from '../support/scripted-participant.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { clientFor, closeAll, completedKeygen, participants, pinned } from '../support/sessions.js';
import { waitFor } from '../support/signing.js';
import { inboxIds } from '../agents/support.js';
import {
  expectInboxExactly,
  expectNoncesSingleUse,
  expectWatchedExactly,
  follow,
  statesAtKill,
} from './support/crash-checks.js';
import { reportFigures } from './support/crash-figures.js';
import { CRASH_PHASES, phaseName, startSession, type CrashPhase } from './support/crash-phases.js';
import { CrashableParticipant } from './support/crash-participant.js';

const NAMES = ['alice', 'bob', 'dave'];
const RANDOM_RUNS = 5;
/** Deadline of the session dave leaves for good: ample for alice, who is released at once. */
const ABANDONED_DEADLINE_MS = 6_000;

let server: TestServer;
let coordinator: SigSocketClient;
let scripted: ScriptedParticipant[];
let dave: CrashableParticipant;
let keyId: string;

beforeAll(async () => {
  server = await startTestServer();
  coordinator = await clientFor(server, 'carol', 'coordinator');
  scripted = await participants(server, ['alice', 'bob']);
  dave = await CrashableParticipant.start('dave', server);
  const key = await completedKeygen(coordinator, { threshold: 2, participants: NAMES });
  keyId = key.result!['keyId'] as string;
}, 60_000);

afterAll(async () => {
  await dave?.stop();
  await closeAll();
  await server?.close();
  reportFigures('participant process SIGKILLed');
});

const membersOf = (phase: CrashPhase) => (phase.kind === 'keygen' ? NAMES : ['alice', 'dave']);

async function expectCompleted(sessionId: string, watched: ReturnType<typeof follow>) {
  const done = await watched.ended;
  expect(done.state, JSON.stringify(done.error)).toBe('completed');
  if (done.kind === 'sign') {
    const { groupPublicKey } = await coordinator.key.get.query({ keyId });
    const signature = done.result!['signature'] as string;
    expect(verifySignature('frost-secp256k1', groupPublicKey, done.message!, signature)).toBe(true);
  }
  expectWatchedExactly(server.dataDir, 'carol', sessionId, watched);
}

describe('a participant process SIGKILLed', { timeout: 180_000 }, () => {
  it.each(CRASH_PHASES.map((phase) => [phaseName(phase), phase] as const))(
    'in %s, after it acted: restarted on its keystore, it finishes the session',
    async (name, phase) => {
      const sessionId = `killed-${name}`;
      const others = membersOf(phase).filter((n) => n !== 'dave');
      const held = scripted.filter((p) => others.includes(p.name));
      for (const p of held) p.hold(phase.gate, sessionId);
      await startSession(coordinator, phase, { sessionId, participants: membersOf(phase), keyId });
      const watched = follow(coordinator, sessionId);
      await pinned(coordinator, sessionId, phase.state, others);

      statesAtKill(server.dataDir, [sessionId]);
      await dave.kill();
      await dave.start();
      for (const p of held) p.release(phase.gate, sessionId);
      await expectCompleted(sessionId, watched);
    },
  );

  it(`at ${RANDOM_RUNS} random points of a keygen and a signing: restarted, it finishes both`, async () => {
    let run = 0;
    const property = fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 2 }),
      fc.constantFrom('alice', 'bob'),
      async (delays, cosigner) => {
        run++;
        const keygen = CRASH_PHASES.find((p) => p.kind === 'keygen')!;
        const sign = CRASH_PHASES.find((p) => p.kind === 'sign')!;
        const ids = [`random-${run}-keygen`, `random-${run}-sign`];
        await startSession(coordinator, keygen, { sessionId: ids[0]!, participants: NAMES });
        await startSession(coordinator, sign, {
          sessionId: ids[1]!,
          participants: [cosigner, 'dave'],
          keyId,
        });
        const watched = ids.map((id) => follow(coordinator, id));
        for (const delay of delays) {
          await sleep(delay);
          statesAtKill(server.dataDir, ids);
          await dave.kill();
          await dave.start();
        }
        for (const [i, id] of ids.entries()) await expectCompleted(id, watched[i]!);
      },
    );
    await fc.assert(property, { numRuns: RANDOM_RUNS, endOnFailure: true });
  });

  it('for good, after committing: the signing times out waiting for dave alone', async () => {
    const sessionId = 'killed-for-good';
    const alice = scripted[0]!;
    alice.hold('commit', sessionId);
    const phase = CRASH_PHASES.find((p) => p.kind === 'sign' && p.state === 'commitments')!;
    await startSession(coordinator, phase, {
      sessionId,
      participants: ['alice', 'dave'],
      keyId,
      deadlineMs: ABANDONED_DEADLINE_MS,
    });
    const watched = follow(coordinator, sessionId);
    await pinned(coordinator, sessionId, 'commitments', ['alice']);
    statesAtKill(server.dataDir, [sessionId]);
    await dave.kill();
    alice.release('commit', sessionId);

    const ended = await watched.ended;
    expect(ended).toMatchObject({ state: 'timed_out', phase: 'shares', waitingFor: ['dave'] });
    expect(ended.error?.waitingFor).toEqual(['dave']);
    expectWatchedExactly(server.dataDir, 'carol', sessionId, watched);
    await dave.start(); // back for the checks below: it catches up on what it missed
  });

  it('across all the kills: every inbox event handled once, no nonce commitment reused', async () => {
    const last = () => String(inboxIds(server, 'dave').at(-1));
    await waitFor(() => dave.cursor().lastEventId === last(), "dave's cursor caught up", 60_000);
    expect(dave.cursor().handledAbove).toEqual([]);
    expect(dave.output()).not.toMatch(/received twice/);
    for (const p of scripted) {
      await waitFor(() => p.received.length >= inboxIds(server, p.name).length, p.name, 30_000);
      expectInboxExactly(server.dataDir, p);
    }
    expectNoncesSingleUse(server.dataDir, { dave: dave.keystoreDir });
  });
});
