import { afterEach, describe, expect, it } from 'vitest';
import {
  followSession,
  startKeygen,
  type SessionProgress,
} from '../../client/coordinator/index.js';
import { startTestServer } from '../support/server.js';
import { pinned } from '../support/sessions.js';
import { AgentPool, completedKeygen, waitFor } from './support.js';

let pool: AgentPool | undefined;
afterEach(async () => {
  await pool?.cleanup();
  pool = undefined;
});

const KEYGEN_ORDER = ['inviting', 'round1', 'round2', 'confirming', 'completed'];

describe('followSession', { timeout: 120_000 }, () => {
  it('joins a session mid-way from session.get and only moves forward', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    let release: (accept: boolean) => void = () => {};
    const held = new Promise<boolean>((resolve) => (release = resolve));
    await pool.agentsNamed(['alice', 'bob']);
    await pool.agent('dave', { approve: () => held });
    const coordinator = await pool.client('carol', 'coordinator');
    const { session } = await startKeygen(coordinator, {
      threshold: 2,
      participants: ['alice', 'bob', 'dave'],
    });
    await pinned(coordinator, session.id, 'inviting', ['dave']);

    const progress: SessionProgress[] = [];
    const following = followSession(coordinator, session.id, (p) => progress.push(p));
    await waitFor(() => progress.length > 0, 'the first progress');
    release(true);
    const final = await following;

    const [first, ...later] = progress;
    expect(first!.event).toBeNull();
    expect(first!.view).toMatchObject({ state: 'inviting', waitingFor: ['dave'] });
    const from = Number(first!.view.lastEventId);
    expect(from).toBeGreaterThan(0);
    // Only what happened after the first view: dave's answer, never alice's or bob's again.
    const events = later.map((p) => p.event!);
    expect(events.every((e) => e.id > from)).toBe(true);
    const answered = events.filter((e) => e.type === 'participant_answered');
    expect(answered.map((e) => e.payload['participant'])).toEqual(['dave']);
    const states = progress.map((p) => KEYGEN_ORDER.indexOf(p.view.state));
    expect(states.every((s) => s >= 0)).toBe(true);
    expect([...states].sort((a, b) => a - b)).toEqual(states);
    expect(final.state).toBe('completed');
    expect(final.lastEventId).toBe(String(events.at(-1)!.id));
  });

  it('rejects with the reason when its signal is aborted, also from the first progress', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    await pool.agentsNamed(['alice']);
    await pool.agent('dave', { approve: () => new Promise<boolean>(() => {}) }); // never answers
    const coordinator = await pool.client('carol', 'coordinator');
    const { session } = await startKeygen(coordinator, {
      threshold: 2,
      participants: ['alice', 'dave'],
    });
    const first = new AbortController();
    const early = followSession(coordinator, session.id, () => first.abort(new Error('enough')), {
      signal: first.signal,
    });
    await expect(early).rejects.toThrow('enough');
    const later = new AbortController();
    const following = followSession(coordinator, session.id, () => {}, { signal: later.signal });
    later.abort(new Error('stop now'));
    await expect(following).rejects.toThrow('stop now');
  });

  it('settles at once for a session that has already ended', async () => {
    await using server = await startTestServer();
    pool = new AgentPool(server);
    await pool.agentsNamed(['alice', 'bob']);
    const coordinator = await pool.client('carol', 'coordinator');
    const { view } = await completedKeygen(coordinator, ['alice', 'bob'], 2);

    const progress: SessionProgress[] = [];
    const again = await followSession(coordinator, view.id, (p) => progress.push(p));
    expect(again).toMatchObject({ id: view.id, state: 'completed', result: view.result });
    expect(progress).toHaveLength(1);
    expect(progress[0]!.event).toBeNull();
  });
});
