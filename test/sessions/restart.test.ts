import { afterEach, describe, expect, it } from 'vitest';
import { issueToken } from '../../server/auth/jwt.js';
import { loadOrCreateSecret } from '../../server/auth/secret.js';
import { SCHEMES, verifySignature } from '../../protocol/frost/index.js';
import type { Role } from '../../protocol/identity.js';
import type { SessionEvent } from '../../protocol/sessions.js';
import { spawnServe } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import type { ScriptedParticipant } from '../support/scripted-participant.js';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  participants,
  waitForState,
  type TokenSource,
} from '../support/sessions.js';
import { waitFor } from '../support/signing.js';

afterEach(closeAll);

const NAMES = ['alice', 'bob', 'carol'];

/** A server (in-process or a child process) that can be stopped and started on one data dir. */
interface Restartable extends TokenSource {
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function inProcess(dataDir: string, port: number): Promise<Restartable> {
  let server: TestServer = await startTestServer({ dataDir, port, minSessionTimeoutMs: 50 });
  return {
    url: server.url,
    token: (sub, role, ttl) => server.token(sub, role, ttl),
    stop: () => server.close(),
    start: async () => {
      server = await startTestServer({ dataDir, port, minSessionTimeoutMs: 50 });
    },
  };
}

async function childProcess(dataDir: string, port: number): Promise<Restartable> {
  const args = ['--data-dir', dataDir, '--port', String(port), '--min-session-timeout-ms', '50'];
  let serve = await spawnServe(args);
  const secret = loadOrCreateSecret(dataDir);
  return {
    url: serve.url,
    token: (sub: string, role: Role, ttl = '1h') => issueToken(secret, { sub, role, ttl }),
    // SIGKILL: no shutdown code runs; only what SQLite committed survives.
    stop: async () => {
      serve.child.kill('SIGKILL');
      await serve.exited;
    },
    start: async () => {
      serve = await spawnServe(args);
    },
  };
}

/** Each participant got every event of its inbox exactly once, in order. */
async function inboxesComplete(
  server: TokenSource,
  members: ScriptedParticipant[],
  sessionsOf: (name: string) => string[],
) {
  for (const p of members) {
    const sessionIds = sessionsOf(p.name);
    const ends = (e: SessionEvent) =>
      sessionIds.includes(e.sessionId) && e.type === 'session_completed';
    await waitFor(
      () => p.received.filter(ends).length === sessionIds.length,
      `${p.name} hears every end`,
    );
    const ids = p.eventIds();
    expect(new Set(ids).size, `${p.name} saw no event twice`).toBe(ids.length);
    const fresh = await clientFor(server, p.name, 'participant');
    const all: number[] = [];
    const sub = fresh.participant.inbox.subscribe(undefined, {
      onData: (t) => all.push(t.data.id),
    });
    await waitFor(() => all.length >= ids.length, `${p.name}'s stored inbox`);
    sub.unsubscribe();
    expect(ids, `${p.name} missed no event`).toEqual(all);
  }
}

describe.each([
  ['stopped', inProcess],
  ['SIGKILLed', childProcess],
] as const)('a server %s mid-keygen and mid-sign', (_how, launch) => {
  // Every ciphersuite: the restart path is the same, the stored rounds are the suite's.
  it.each(SCHEMES)(
    'completes both sessions after a restart on the same data directory (%s)',
    async (scheme) => {
      const server = await launch(tempDir(), await freePort());
      try {
        const coordinator = await clientFor(server, 'coord', 'coordinator');
        const members = await participants(server, NAMES);
        const [alice, , carol] = members;
        const key = await completedKeygen(coordinator, {
          threshold: 2,
          participants: NAMES,
          scheme,
        });
        const keyId = key.result!['keyId'] as string;

        alice!.hold('share');
        carol!.hold('round2');
        const sign = await coordinator.sign.create.mutate({
          sessionId: 'sign-1',
          keyId,
          message: 'beef',
          participants: ['alice', 'carol'],
        });
        const keygen = await coordinator.keygen.create.mutate({
          sessionId: 'keygen-2',
          threshold: 2,
          participants: NAMES,
          scheme,
        });
        await waitFor(async () => {
          const [s, k] = await Promise.all([
            coordinator.session.get.query({ sessionId: 'sign-1' }),
            coordinator.session.get.query({ sessionId: 'keygen-2' }),
          ]);
          return (
            s.state === 'shares' &&
            s.waitingFor.join() === 'alice' &&
            k.state === 'round2' &&
            k.waitingFor.join() === 'carol'
          );
        }, 'both sessions half way');

        await server.stop();
        await server.start();
        alice!.release('share');
        carol!.release('round2');

        const signed = await waitForState(coordinator, sign.session.id);
        const generated = await waitForState(coordinator, keygen.session.id);
        expect(signed.state, JSON.stringify(signed.error)).toBe('completed');
        expect(generated.state, JSON.stringify(generated.error)).toBe('completed');
        const { groupPublicKey } = await coordinator.key.get.query({ keyId });
        expect(
          verifySignature(scheme, groupPublicKey, 'beef', signed.result!['signature'] as string),
        ).toBe(true);
        await inboxesComplete(server, members, (name) =>
          name === 'bob' ? ['keygen-2'] : ['keygen-2', 'sign-1'],
        );
      } finally {
        await closeAll();
        await server.stop();
      }
    },
  );

  it('times out an overdue session at once when it starts again', async () => {
    const server = await launch(tempDir(), await freePort());
    try {
      const coordinator = await clientFor(server, 'coord', 'coordinator');
      const silent = { silent: true };
      await participants(server, NAMES, { alice: silent, bob: silent, carol: silent });
      const { session } = await coordinator.keygen.create.mutate({
        threshold: 2,
        participants: NAMES,
        timeouts: { inviteMs: 1500 },
      });
      // The server goes down well before the deadline, which passes while it is down.
      expect(session.state).toBe('inviting');
      await server.stop();
      await new Promise((r) => setTimeout(r, Math.max(0, session.deadline! - Date.now()) + 50));
      await server.start();
      // The first answer of the restarted server already shows it: restore ran before listening.
      const view = await coordinator.session.get.query({ sessionId: session.id });
      expect(view).toMatchObject({ state: 'timed_out', waitingFor: NAMES, deadline: null });
    } finally {
      await closeAll();
      await server.stop();
    }
  });
});
