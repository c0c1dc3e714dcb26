import { afterEach, describe, expect, it } from 'vitest';
import { createClient, closeClient, type SigSocketClient } from '../../client/trpc.js';
import { startTestServer } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  failure,
  participants,
  waitForState,
  watchSession,
} from '../support/sessions.js';
import { waitFor } from '../support/signing.js';

afterEach(closeAll);

const NAMES = ['alice', 'bob', 'carol'];

/** The error a subscription ends with (tRPC code and message). */
function subscriptionError(
  client: SigSocketClient,
  sessionId: string,
): Promise<{ code?: string; message: string }> {
  return new Promise((resolve) => {
    client.session.watch.subscribe(
      { sessionId },
      {
        onData: () => resolve({ code: 'NO_ERROR', message: 'got data' }),
        onError: (err) =>
          resolve({
            code: (err.data as { code?: string } | undefined)?.code,
            message: err.message,
          }),
      },
    );
  });
}

describe('authorisation (docs/sessions.md)', () => {
  it('holds for coordinator own/foreign, participant named/not named, admin and no token', async () => {
    await using server = await startTestServer();
    const coord = await clientFor(server, 'coord', 'coordinator');
    const other = await clientFor(server, 'other', 'coordinator');
    const admin = await clientFor(server, 'root', 'admin');
    const [alice, bob] = await participants(server, NAMES);
    const [dave] = await participants(server, ['dave']);
    const anonymous = createClient({ url: server.url });

    const keygen = await completedKeygen(coord, { threshold: 2, participants: NAMES });
    const keyId = keygen.result!['keyId'] as string;
    const { session } = await coord.sign.create.mutate({
      sessionId: 'pay-1',
      keyId,
      message: 'aa',
      participants: ['alice', 'bob'],
    });
    await waitForState(coord, session.id);
    const sessionId = session.id;
    const notFound = { code: 'NOT_FOUND', message: `session ${sessionId} not found` };

    // session.get
    expect((await coord.session.get.query({ sessionId })).id).toBe(sessionId);
    expect((await alice!.api.session.get.query({ sessionId })).id).toBe(sessionId);
    expect((await admin.session.get.query({ sessionId })).id).toBe(sessionId);
    expect(await failure(other.session.get.query({ sessionId }))).toMatchObject(notFound);
    expect(await failure(dave!.api.session.get.query({ sessionId }))).toMatchObject(notFound);
    expect(await failure(admin.session.get.query({ sessionId: 'nope' }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'session nope not found',
    });
    expect((await failure(anonymous.session.get.query({ sessionId }))).code).toBe('UNAUTHORIZED');

    // session.list
    const ids = async (c: SigSocketClient) =>
      (await c.session.list.query()).map((s) => s.id).sort();
    expect(await ids(coord)).toEqual([keygen.id, sessionId].sort());
    expect(await ids(admin)).toEqual([keygen.id, sessionId].sort());
    expect(await ids(alice!.api)).toEqual([keygen.id, sessionId].sort());
    expect(await ids(other)).toEqual([]);
    expect(await ids(dave!.api)).toEqual([]);
    expect((await coord.session.list.query({ kind: 'sign' })).map((s) => s.id)).toEqual([
      sessionId,
    ]);
    expect(await coord.session.list.query({ state: 'failed' })).toEqual([]);

    // session.watch
    expect(await subscriptionError(other, sessionId)).toMatchObject(notFound);
    expect(await subscriptionError(dave!.api, sessionId)).toMatchObject(notFound);
    const watchedByCoord = watchSession(coord, sessionId);
    const watchedByAlice = watchSession(alice!.api, sessionId);
    await waitFor(
      () => watchedByCoord.events.some((e) => e.type === 'session_completed'),
      'coordinator watch',
    );
    await waitFor(
      () => watchedByAlice.events.some((e) => e.type === 'session_completed'),
      'alice watch',
    );
    expect(watchedByCoord.events.every((e) => e.recipient === null)).toBe(true);
    expect(
      watchedByAlice.events.every((e) => e.recipient === null || e.recipient === 'alice'),
    ).toBe(true);
    expect(watchedByAlice.events.map((e) => e.type)).toContain('sign_invite');

    // Acting: abort, respond, submit, create.
    expect((await failure(other.session.abort.mutate({ sessionId }))).code).toBe('NOT_FOUND');
    expect((await failure(alice!.api.session.abort.mutate({ sessionId }))).code).toBe('FORBIDDEN');
    expect((await failure(anonymous.session.abort.mutate({ sessionId }))).code).toBe(
      'UNAUTHORIZED',
    );
    expect((await failure(admin.session.abort.mutate({ sessionId }))).code).toBe('CONFLICT'); // SESSION_FINISHED
    expect(
      (await failure(coord.participant.respond.mutate({ sessionId, accept: true }))).code,
    ).toBe('FORBIDDEN');
    expect(
      await failure(dave!.api.participant.respond.mutate({ sessionId, accept: true })),
    ).toMatchObject(notFound);
    expect(
      (await failure(anonymous.participant.respond.mutate({ sessionId, accept: true }))).code,
    ).toBe('UNAUTHORIZED');
    expect(
      (await failure(alice!.api.keygen.create.mutate({ threshold: 2, participants: NAMES }))).code,
    ).toBe('FORBIDDEN');
    expect(
      (await failure(anonymous.keygen.create.mutate({ threshold: 2, participants: NAMES }))).code,
    ).toBe('UNAUTHORIZED');

    // Keys: own coordinator, named participants (with their own escrow only), admin.
    expect((await coord.key.get.query({ keyId })).id).toBe(keyId);
    expect((await admin.key.get.query({ keyId })).escrow).toBeUndefined();
    expect((await coord.key.get.query({ keyId })).escrow).toBeUndefined();
    const aliceKey = await alice!.api.key.get.query({ keyId });
    const bobKey = await bob!.api.key.get.query({ keyId });
    expect(aliceKey.escrow).toMatch(/^[0-9a-f]+$/);
    expect(bobKey.escrow).not.toBe(aliceKey.escrow);
    expect(await failure(other.key.get.query({ keyId }))).toMatchObject({
      code: 'NOT_FOUND',
      message: `key ${keyId} not found`,
    });
    expect((await failure(dave!.api.key.get.query({ keyId }))).code).toBe('NOT_FOUND');
    expect(await other.key.list.query()).toEqual([]);
    expect(await dave!.api.key.list.query()).toEqual([]);
    expect((await alice!.api.key.list.query()).map((k) => k.id)).toEqual([keyId]);

    // Inboxes: only events addressed to everyone or to me, and only my own escrow blob.
    expect(
      dave!.received.filter((e) => e.sessionId === sessionId || e.sessionId === keygen.id),
    ).toEqual([]);
    expect(alice!.received.every((e) => e.recipient === null || e.recipient === 'alice')).toBe(
      true,
    );
    const invite = alice!.received.find((e) => e.type === 'sign_invite')!;
    expect(invite.payload['escrow']).toBe(aliceKey.escrow);
    const everything = JSON.stringify(alice!.received);
    expect(everything).not.toContain(bobKey.escrow!);
    await closeClient(anonymous);
  });
});
