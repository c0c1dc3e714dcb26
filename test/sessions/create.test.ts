import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  failure,
  participants,
  waitForState,
} from '../support/sessions.js';

afterEach(closeAll);

const NAMES = ['alice', 'bob', 'carol'];

describe('creating sessions', () => {
  it('is idempotent with a client-chosen id and answers CONFLICT for a different request', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const other = await clientFor(server, 'other', 'coordinator');
    await participants(server, NAMES, { carol: { silent: true } });
    const request = {
      sessionId: 'treasury-2024',
      threshold: 2,
      participants: NAMES,
      label: 'treasury',
    };
    const first = await coordinator.keygen.create.mutate(request);
    expect(first).toMatchObject({
      created: true,
      session: { id: 'treasury-2024', state: 'inviting', label: 'treasury' },
    });
    const again = await coordinator.keygen.create.mutate(request);
    expect(again.created).toBe(false);
    expect(again.session.id).toBe('treasury-2024');
    expect(again.session.createdAt).toBe(first.session.createdAt);
    // The same request written differently (default scheme spelled out) is still the same.
    const spelled = await coordinator.keygen.create.mutate({
      ...request,
      scheme: 'frost-secp256k1',
    });
    expect(spelled.created).toBe(false);

    const changed = await failure(coordinator.keygen.create.mutate({ ...request, threshold: 3 }));
    expect(changed).toMatchObject({ code: 'CONFLICT', appCode: 'CONFLICT' });
    expect(changed.message).toContain('treasury-2024');
    // Another coordinator cannot reuse (or learn anything about) the id.
    expect((await failure(other.keygen.create.mutate(request))).code).toBe('CONFLICT');
    // One id three times at once (the creates meet in one group commit): the first creates it,
    // the same request then answers with it, a different one is a CONFLICT.
    const twice = { ...request, sessionId: 'treasury-2025' };
    const [one, two, three] = await Promise.all([
      coordinator.keygen.create.mutate(twice),
      coordinator.keygen.create.mutate(twice),
      failure(coordinator.keygen.create.mutate({ ...twice, threshold: 3 })),
    ]);
    expect([one.created, two.created]).toEqual([true, false]);
    expect(two.session.createdAt).toBe(one.session.createdAt);
    expect(three.code).toBe('CONFLICT');
    const list = await coordinator.session.list.query();
    expect(list.map((s) => s.id).sort()).toEqual(['treasury-2024', 'treasury-2025']);
  });

  it('generates an id when none is given', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    await participants(server, NAMES, { carol: { silent: true } });
    const a = await coordinator.keygen.create.mutate({ threshold: 2, participants: NAMES });
    const b = await coordinator.keygen.create.mutate({ threshold: 2, participants: NAMES });
    expect(a.session.id).toMatch(/^kg_[0-9a-f]{24}$/);
    expect(b.session.id).not.toBe(a.session.id);
  });

  it('lists every unregistered participant in one UNKNOWN_PARTICIPANTS error', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    await participants(server, ['alice']);
    const err = await failure(
      coordinator.keygen.create.mutate({
        threshold: 2,
        participants: ['alice', 'zed', 'bob', 'yan'],
      }),
    );
    expect(err).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'UNKNOWN_PARTICIPANTS',
      details: { unknown: ['zed', 'bob', 'yan'] },
    });
    expect(err.message).toBe('not registered as participants: zed, bob, yan');
    expect(await coordinator.session.list.query()).toEqual([]);
  });

  it('checks thresholds, names and per-session timeouts against the configured bounds', async () => {
    await using server = await startTestServer({
      minSessionTimeoutMs: 500,
      maxSessionTimeoutMs: 60_000,
    });
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    await participants(server, NAMES, { carol: { silent: true } });
    const create = (input: Record<string, unknown>) =>
      failure(
        coordinator.keygen.create.mutate({ threshold: 2, participants: NAMES, ...input } as never),
      );
    expect(await create({ threshold: 4 })).toMatchObject({
      appCode: 'BAD_REQUEST',
      message: 'threshold 4 exceeds the 3 participants',
    });
    expect((await create({ threshold: 1 })).code).toBe('BAD_REQUEST');
    expect((await create({ participants: ['alice', 'alice', 'bob'] })).code).toBe('BAD_REQUEST');
    const low = await create({ timeouts: { roundMs: 100 } });
    expect(low.appCode).toBe('BAD_REQUEST');
    expect(low.message).toContain('below the minimum of 500 ms (--min-session-timeout-ms)');
    const high = await create({ timeouts: { inviteMs: 60_001 } });
    expect(high.message).toContain('above the maximum of 60000 ms (--max-session-timeout-ms)');
    const ok = await coordinator.keygen.create.mutate({
      threshold: 2,
      participants: NAMES,
      timeouts: { inviteMs: 60_000, roundMs: 500 },
    });
    expect(ok.session.deadline).toBe(ok.session.createdAt + 60_000);
  });

  it('refuses an option that does not fit the key, saying why, storing nothing', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    await participants(server, NAMES);
    const keygen = await completedKeygen(coordinator, {
      threshold: 2,
      participants: NAMES,
      scheme: 'frost-ed25519',
    });
    const keyId = keygen.result!['keyId'] as string;
    const before = await coordinator.session.list.query({});
    const refused = await failure(
      coordinator.sign.create.mutate({
        keyId,
        digest: 'ab'.repeat(32),
        participants: ['alice', 'bob'],
      }),
    );
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_REQUEST' });
    expect(refused.message).toContain(`key ${keyId} is a frost-ed25519 key`);
    expect(refused.message).toContain('not a `digest`');
    expect(await coordinator.session.list.query({})).toEqual(before);
  });

  it('signs only with a visible key, its own participants, and at least t of them; idempotently', async () => {
    await using server = await startTestServer();
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    const other = await clientFor(server, 'other', 'coordinator');
    await participants(server, [...NAMES, 'dave']);
    const keygen = await completedKeygen(coordinator, { threshold: 2, participants: NAMES });
    const keyId = keygen.result!['keyId'] as string;
    const sign = (client: typeof coordinator, input: Record<string, unknown>) =>
      failure(
        client.sign.create.mutate({
          keyId,
          message: '00',
          participants: ['alice', 'bob'],
          ...input,
        } as never),
      );

    expect(await sign(coordinator, { keyId: 'key_nope' })).toMatchObject({
      code: 'NOT_FOUND',
      message: 'key key_nope not found',
    });
    expect(await sign(other, {})).toMatchObject({
      code: 'NOT_FOUND',
      message: `key ${keyId} not found`,
    });
    const outsiders = await sign(coordinator, { participants: ['alice', 'dave', 'erin'] });
    expect(outsiders).toMatchObject({
      appCode: 'UNKNOWN_PARTICIPANTS',
      details: { unknown: ['dave', 'erin'] },
    });
    expect((await sign(coordinator, { participants: ['alice'] })).code).toBe('BAD_REQUEST');
    expect((await sign(coordinator, { message: 'abc' })).code).toBe('BAD_REQUEST');

    const request = { sessionId: 'pay-1', keyId, message: '00', participants: ['bob', 'alice'] };
    const first = await coordinator.sign.create.mutate(request);
    expect(first.session).toMatchObject({ kind: 'sign', keyId, message: '00' });
    expect(first.session.participants.map((p) => [p.name, p.index])).toEqual([
      ['alice', 1],
      ['bob', 2],
    ]);
    expect((await coordinator.sign.create.mutate(request)).created).toBe(false);
    expect(
      (await failure(coordinator.sign.create.mutate({ ...request, message: '01' }))).code,
    ).toBe('CONFLICT');
    expect((await waitForState(coordinator, 'pay-1')).state).toBe('completed');
    expect((await coordinator.sign.create.mutate(request)).session.state).toBe('completed');
  });
});
