// Issue 13, crashes of DKLs23 sessions with real agents (docs/ecdsa.md, Crashes and secrets).
// The real server (a child process) is SIGKILLed while a keygen sits in each working phase and
// a signing in each, waiting for one agent held off the network with its memory intact: after
// the restart every session completes, and every submission acknowledged before the kill is
// still stored. The real `sigsocket participant` process is SIGKILLed in each phase of keygen
// (it continues from its sealed round state) and of signing (its secrets were in memory only:
// the signing restarts with a new attempt and completes). Across all of it no signer's R is
// ever broadcast twice, and no keystore holds anything of a signing but its invitation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../client/participant/index.js';
import { RECORD_KINDS } from '../../client/participant/keystore.js';
import type { SigSocketClient } from '../../client/trpc.js';
import type { SessionView } from '../../protocol/session-view.js';
import { clientFor, closeAll, pinned } from '../support/sessions.js';
import { waitFor } from '../support/signing.js';
import { inboxIds } from '../agents/support.js';
import {
  dklsKeygen,
  expectValidSignature,
  keyOf,
  keyOfView,
  startDigestSign,
  type DklsKey,
} from '../agents/support-dkls23.js';
import { expectHandledExactly, expectWatchedExactly, follow } from './support/crash-checks.js';
import { reportFigures } from './support/crash-figures.js';
import type { CrashableParticipant } from './support/crash-participant.js';
import type { CrashProxy } from './support/crash-proxy.js';
import { CrashableServer, killAndRestart } from './support/crash-server.js';
import {
  acknowledged,
  answered,
  broadcastNonces,
  cutAfter,
  dklsSignSessions,
  kindsOnDisk,
  processOwner,
  proxiedAgent,
  proxiedProcess,
  recordIds,
  recordsOf,
  signRecordFields,
  storedEvents,
  storedSubmissions,
  submittedKind,
  type ProxiedAgent,
} from './support/dkls23-agents.js';

/** Holders of key A (in-process agents; the server is killed under them). */
const A = ['alice', 'bob', 'carol'];
/** Holders of key B: erin and frank in-process, dave the participant process that is killed. */
const B = ['erin', 'frank', 'dave'];

let server: CrashableServer;
let coordinator: SigSocketClient;
const agents = new Map<string, ProxiedAgent>();
let dave: { participant: CrashableParticipant; proxy: CrashProxy };
let keyA: DklsKey;
let keyB: DklsKey;

const held = (name: string) => agents.get(name)!;

beforeAll(async () => {
  server = await CrashableServer.start();
  coordinator = await clientFor(server, 'coord', 'coordinator');
  const named = await Promise.all(
    [...A, 'erin', 'frank'].map((name) => proxiedAgent(server, name)),
  );
  for (const p of named) agents.set(p.agent.name, p);
  dave = await proxiedProcess(server, 'dave');
  keyA = await keyOf(coordinator, await dklsKeygen(coordinator, A, 2, 'key-a'));
  keyB = await keyOf(coordinator, await dklsKeygen(coordinator, B, 2, 'key-b'));
}, 90_000);

afterAll(async () => {
  await dave?.participant.stop();
  for (const p of agents.values()) {
    await p.pool.cleanup();
    await p.proxy.close();
  }
  await dave?.proxy.close();
  await closeAll();
  await server?.kill();
  reportFigures('DKLs23: server and participant process SIGKILLed');
});

/** A session of `kind` with a chosen id: a 2-of-`members` keygen, or a signing of a fresh digest. */
async function start(
  kind: 'keygen' | 'sign',
  sessionId: string,
  members: string[],
  key: DklsKey,
): Promise<{ digest?: Uint8Array }> {
  if (kind === 'keygen') {
    await dklsKeygen(coordinator, members, 2, sessionId);
    return {};
  }
  return startDigestSign(coordinator, key, members, sessionId);
}

/** The session completed: a key, or a signature noble, OpenSSL and ethers accept. */
async function expectDone(done: SessionView, key: DklsKey, digest: Uint8Array | undefined) {
  if (digest) await expectValidSignature(done, key, digest);
  else keyOfView(done);
}

/** Attempts the server restarted the signing at (`dkls23_sign_restarted`). */
const restartsOf = (sessionId: string) =>
  new Set(
    storedEvents(server.dataDir, sessionId, 'dkls23_sign_restarted').map(
      (e) => e.payload['attempt'],
    ),
  ).size;

type Match = (sessionId: string) => (e: AgentEvent) => boolean;

/** Where an agent is cut off so that the session waits for it in `state`, nothing done there. */
const HOLD_IN: Record<string, Record<string, Match>> = {
  keygen: {
    round1: answered,
    round2: (id) => submittedKind(id, 'dkls23_keygen_round1'),
    confirming: (id) => submittedKind(id, 'dkls23_keygen_round2'),
  },
  sign: {
    round1: answered,
    round2: (id) => submittedKind(id, 'dkls23_sign_round1'),
    round3: (id) => submittedKind(id, 'dkls23_sign_round2'),
  },
};

const PHASES = [
  ['keygen', 'round1'],
  ['keygen', 'round2'],
  ['keygen', 'confirming'],
  ['sign', 'round1'],
  ['sign', 'round2'],
  ['sign', 'round3'],
] as const;

describe('DKLs23: the server SIGKILLed in every working phase', { timeout: 120_000 }, () => {
  it.each(PHASES)(
    '%s %s, waiting for a held agent: after the restart the session completes, nothing acknowledged lost',
    async (kind, state) => {
      const sessionId = `server-${kind}-${state}`;
      const members = kind === 'keygen' ? A : ['alice', 'carol'];
      const carol = held('carol');
      const cut = cutAfter(carol, HOLD_IN[kind]![state]!(sessionId));
      const { digest } = await start(kind, sessionId, members, keyA);
      const watched = follow(coordinator, sessionId);
      await cut;
      await pinned(coordinator, sessionId, state, ['carol']);
      const acked = acknowledged(
        members.map((n) => held(n).agent),
        sessionId,
      );

      const atKill = await killAndRestart(server, [sessionId]);
      expect(atKill[sessionId]).toBe(state);
      const stored = storedSubmissions(server.dataDir, sessionId);
      for (const submission of acked)
        expect(stored, 'acknowledged, then stored').toContain(submission);
      carol.proxy.restore();

      const done = await watched.ended;
      expect(done.state, JSON.stringify(done.error)).toBe('completed');
      await expectDone(done, keyA, digest);
      // The held agent kept its memory: a server crash alone restarts no signing.
      if (kind === 'sign') expect(restartsOf(sessionId)).toBe(0);
      expectWatchedExactly(server.dataDir, 'coord', sessionId, watched);
    },
  );
});

/**
 * dave (the process) crashes in `state`: `after` it acted there (the others are held before
 * acting in it), or `before` it acted (it acted in the phase before, then was cut off while the
 * others went on; its secrets of that phase were in memory).
 */
const PROCESS_CRASHES = [
  ['keygen', 'round1', 'after'],
  ['keygen', 'round2', 'after'],
  ['keygen', 'confirming', 'after'],
  ['sign', 'round1', 'after'],
  ['sign', 'round2', 'after'],
  ['sign', 'round3', 'after'],
  ['sign', 'round2', 'before'],
  ['sign', 'round3', 'before'],
] as const;

const PREVIOUS: Record<string, string> = { round2: 'round1', round3: 'round2' };

describe('DKLs23: the participant process SIGKILLed in every phase', { timeout: 120_000 }, () => {
  it.each(PROCESS_CRASHES)(
    '%s %s, %s it acted: restarted on its keystore, the session completes',
    async (kind, state, when) => {
      const sessionId = `process-${kind}-${state}-${when}`;
      const members = kind === 'keygen' ? B : ['erin', 'dave'];
      const others = members.filter((n) => n !== 'dave');
      // The others are held before acting in the phase dave crashes in (after) or in the one
      // before it (before), so that dave has acted there and nothing more.
      const heldIn = when === 'after' ? state : PREVIOUS[state]!;
      const cuts = others.map((n) => cutAfter(held(n), HOLD_IN[kind]![heldIn]!(sessionId)));
      const { digest } = await start(kind, sessionId, members, keyB);
      const watched = follow(coordinator, sessionId);
      await Promise.all(cuts);
      await pinned(coordinator, sessionId, heldIn, others);
      if (when === 'before') {
        dave.proxy.cut();
        for (const n of others) held(n).proxy.restore();
        await pinned(coordinator, sessionId, state, ['dave']);
      }
      if (kind === 'sign') {
        // Mid-signing, dave's keystore holds the invitation and the attempt it started: no secret.
        expect(recordsOf(dave.participant.keystoreDir, sessionId)).toEqual([
          `session/${sessionId}.sealed`,
        ]);
        const fields = signRecordFields(processOwner(dave.participant), sessionId);
        expect(fields).toEqual(['accepted', 'committedRound', 'invite', 'kind']);
      }

      await dave.participant.kill();
      dave.proxy.restore();
      await dave.participant.start();
      for (const n of others) held(n).proxy.restore();

      const done = await watched.ended;
      expect(done.state, JSON.stringify(done.error)).toBe('completed');
      await expectDone(done, keyB, digest);
      if (kind === 'sign') {
        // Its round 3 sent, dave's secrets were spent: nothing to restart. Else a new attempt.
        const spent = state === 'round3' && when === 'after';
        expect(restartsOf(sessionId), 'attempts restarted').toBe(spent ? 0 : 1);
      } else {
        // Its sealed round state goes once the key is filed (under the new key's id).
        await waitFor(
          () => recordsOf(dave.participant.keystoreDir, sessionId).length === 0,
          `dave filed the key of ${sessionId}`,
        );
      }
      expectWatchedExactly(server.dataDir, 'coord', sessionId, watched);
    },
  );
});

describe('DKLs23: no per-signature secret ever used twice', { timeout: 120_000 }, () => {
  it('across every signing and attempt above, no R is broadcast twice; no keystore keeps signing state', async () => {
    const signings = dklsSignSessions(server.dataDir);
    const signed = [...PHASES, ...PROCESS_CRASHES].filter(([kind]) => kind === 'sign');
    expect(signings).toHaveLength(signed.length);
    const nonces = broadcastNonces(server.dataDir);
    // Each signer of each attempt that reached round 2 broadcast one R, and none repeats.
    expect(nonces.filter((n) => n.attempt > 1).length).toBeGreaterThan(0);
    const Rs = nonces.map((n) => n.R);
    const repeated = Rs.filter((R, i) => Rs.indexOf(R) !== i);
    expect(repeated, 'an R broadcast twice').toEqual([]);
    const pairs = new Set(nonces.map((n) => `${n.signer}:${n.R}`));
    expect(pairs.size).toBe(nonces.length);

    // Every agent has handled its whole inbox (so every session's end), exactly once.
    for (const { agent } of agents.values()) {
      await waitFor(
        () => agent.handled.length >= inboxIds(server, agent.name).length,
        `${agent.name} caught up with its inbox`,
        60_000,
      );
      expectHandledExactly(server.dataDir, agent);
    }
    const last = () => String(inboxIds(server, 'dave').at(-1));
    await waitFor(() => dave.participant.cursor().lastEventId === last(), 'dave caught up', 60_000);

    // The keystores hold only the known record kinds — none of them a signing's state — and
    // nothing at all of a signing once it ended (its secrets never left memory).
    const keystores = [
      ...[...agents.values()].map((p) => p.agent.keystoreDir),
      dave.participant.keystoreDir,
    ];
    for (const dir of keystores) {
      for (const kind of kindsOnDisk(dir)) expect(RECORD_KINDS, dir).toContain(kind);
      for (const id of signings) expect(recordsOf(dir, id), `${dir}: ${id}`).toEqual([]);
      expect(recordIds(dir, 'nonces'), `${dir}: FROST nonces`).toEqual([]);
    }
    // The DKLs23 record kinds are the keygen's and the key's: none holds a signing's state.
    const dklsKinds = RECORD_KINDS.filter((k) => k.startsWith('dkls'));
    expect(dklsKinds).toEqual(['dkls-keygen', 'dkls-key-share', 'dkls-key']);
  });
});
