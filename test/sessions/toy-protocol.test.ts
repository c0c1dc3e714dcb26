/**
 * A new protocol needs no new machine and no new server code: the toy sealed-bid auction of
 * support/toy-auction.ts (three rounds: broadcast, point to point, server only), registered
 * only here, runs end to end through the real server — create, consent, rounds, relays,
 * checks with a culprit, typed refusals, and a restart in the middle.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeClient, createClient, type SigSocketClient } from '../../client/trpc.js';
import type { Role } from '../../protocol/identity.js';
import type { Submission } from '../../protocol/sessions.js';
import { issueToken } from '../../server/auth/jwt.js';
import { loadOrCreateSecret } from '../../server/auth/secret.js';
import { startServer, type ServerHandle } from '../../server/app.js';
import { resolveConfig } from '../../server/config.js';
import { BUILT_IN_PROTOCOLS } from '../../server/sessions/protocols.js';
import { tempDir } from '../support/server.js';
import { failure, participants, pinned, waitForState, watchSession } from '../support/sessions.js';
import { waitFor } from '../support/signing.js';
import { auction, sealOf } from './support/toy-auction.js';

const BIDDERS = ['ann', 'ben', 'cat'];
const BIDS: Record<string, number> = { ann: 30, ben: 70, cat: 50 };

const opened: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()));
});

async function auctionServer(dataDir = tempDir()) {
  const config = resolveConfig({ port: 0, logLevel: 'silent', dataDir }, {});
  const server = await startServer(config, { protocols: [...BUILT_IN_PROTOCOLS, auction] });
  opened.push(() => server.close());
  const secret = loadOrCreateSecret(dataDir);
  const client = async (sub: string, role: Role): Promise<SigSocketClient> => {
    const c = createClient({ url: server.url, token: await issueToken(secret, { sub, role }) });
    opened.push(() => closeClient(c));
    return c;
  };
  return {
    server,
    dataDir,
    client,
    token: (sub: string, role: Role) => issueToken(secret, { sub, role }),
  };
}

/** The toy's submissions are not among the built-in kinds: the typed client cannot name them. */
function submit(client: SigSocketClient, sessionId: string, submission: Record<string, unknown>) {
  return client.participant.submit.mutate({ sessionId, submission: submission as Submission });
}

/** Registered identity keys for the bidders (the toy itself uses none). */
async function registerBidders(
  server: ServerHandle,
  token: (s: string, r: Role) => Promise<string>,
) {
  const registered = await participants({ url: server.url, token }, BIDDERS);
  await Promise.all(registered.map((p) => p.stop()));
}

const salt = (name: string) => `salt-of-${name}-${randomBytes(4).toString('hex')}`;

describe('a toy three-round protocol registered only in this test', () => {
  it('runs end to end: consent, a broadcast, point-to-point notes, openings, the winner', async () => {
    const { server, client, token } = await auctionServer();
    await registerBidders(server, token);
    const coord = await client('coord', 'coordinator');
    const bidders = Object.fromEntries(
      await Promise.all(
        BIDDERS.map(async (name) => [name, await client(name, 'participant')] as const),
      ),
    );

    const { created, session } = await coord.session.create.mutate({
      kind: 'auction',
      request: { item: 'a painting', bidders: BIDDERS },
    });
    expect(created).toBe(true);
    expect(session).toMatchObject({ kind: 'auction', state: 'inviting', scheme: 'sealed-bid-v1' });
    expect(session.id).toMatch(/^au_/);
    const id = session.id;
    const watched = watchSession(coord, id);
    const annSees = watchSession(bidders.ann!, id);

    for (const name of BIDDERS) {
      await bidders[name]!.participant.respond.mutate({ sessionId: id, accept: true });
    }
    await pinned(coord, id, 'sealing', BIDDERS);
    const salts = Object.fromEntries(BIDDERS.map((name) => [name, salt(name)]));
    for (const name of BIDDERS) {
      await submit(bidders[name]!, id, { kind: 'seal', seal: sealOf(BIDS[name]!, salts[name]!) });
    }
    await pinned(coord, id, 'notes', BIDDERS);
    for (const name of BIDDERS) {
      const others = BIDDERS.filter((n) => n !== name);
      const notes = Object.fromEntries(others.map((to) => [to, `${name} to ${to}`]));
      await submit(bidders[name]!, id, { kind: 'note', notes });
    }
    await pinned(coord, id, 'opening', BIDDERS);
    for (const name of BIDDERS) {
      await submit(bidders[name]!, id, { kind: 'open', bid: BIDS[name]!, salt: salts[name]! });
    }
    const done = await waitForState(coord, id);
    expect(done.state).toBe('completed');
    expect(done.result).toEqual({ winner: 'ben', bid: 70, item: 'a painting' });

    await waitFor(() => watched.events.some((e) => e.type === 'session_completed'), 'completion');
    const types = watched.events.map((e) => e.type);
    expect(types.filter((t) => t === 'phase_changed')).toHaveLength(4);
    const seals = watched.events.find((e) => e.type === 'seals')!;
    expect(seals.recipient).toBeNull();
    expect((seals.payload['seals'] as Array<{ name: string }>).map((s) => s.name)).toEqual(BIDDERS);
    // Point to point: the coordinator sees no notes; ann sees only those addressed to her.
    expect(types).not.toContain('notes');
    await waitFor(() => annSees.events.some((e) => e.type === 'notes'), 'ann notes');
    const annNotes = annSees.events.filter((e) => e.type === 'notes');
    expect(annNotes).toHaveLength(1);
    expect(annNotes[0]!.recipient).toBe('ann');
    expect(annNotes[0]!.payload['notes']).toEqual([
      { from: 'ben', note: 'ben to ann' },
      { from: 'cat', note: 'cat to ann' },
    ]);
    const completed = watched.events.find((e) => e.type === 'session_completed')!;
    expect(completed.payload['result']).toEqual({ winner: 'ben', bid: 70, item: 'a painting' });
    watched.stop();
    annSees.stop();
  });

  it('names the bidder whose opening does not match its seal', async () => {
    const { server, client, token } = await auctionServer();
    await registerBidders(server, token);
    const coord = await client('coord', 'coordinator');
    const { session } = await coord.session.create.mutate({
      kind: 'auction',
      request: { item: 'a vase', bidders: ['ann', 'ben'] },
    });
    const ann = await client('ann', 'participant');
    const ben = await client('ben', 'participant');
    for (const c of [ann, ben])
      await c.participant.respond.mutate({ sessionId: session.id, accept: true });
    await submit(ann, session.id, { kind: 'seal', seal: sealOf(10, 'ann-salt-1') });
    await submit(ben, session.id, { kind: 'seal', seal: sealOf(20, 'ben-salt-1') });
    await submit(ann, session.id, { kind: 'note', notes: { ben: 'hi' } });
    await submit(ben, session.id, { kind: 'note', notes: { ann: 'hi' } });
    await submit(ann, session.id, { kind: 'open', bid: 10, salt: 'ann-salt-1' });
    // ben claims a higher bid than the one he sealed.
    await submit(ben, session.id, { kind: 'open', bid: 99, salt: 'ben-salt-1' });
    const ended = await waitForState(coord, session.id);
    expect(ended.state).toBe('failed');
    expect(ended.error).toMatchObject({ code: 'BAD_OPENING', culprits: ['ben'], phase: 'opening' });
  });

  it('refuses bad input with typed errors and changes nothing', async () => {
    const { server, client, token, dataDir } = await auctionServer();
    await registerBidders(server, token);
    const coord = await client('coord', 'coordinator');
    const ann = await client('ann', 'participant');
    const ben = await client('ben', 'participant');

    expect(
      await failure(coord.session.create.mutate({ kind: 'lottery', request: {} })),
    ).toMatchObject({
      appCode: 'BAD_REQUEST',
      message: expect.stringContaining('unknown session kind lottery'),
    });
    expect(
      await failure(
        coord.session.create.mutate({ kind: 'auction', request: { item: 'x', bidders: ['ann'] } }),
      ),
    ).toMatchObject({
      appCode: 'BAD_REQUEST',
      message: expect.stringContaining('request.bidders'),
    });
    expect(
      await failure(
        coord.session.create.mutate({
          kind: 'auction',
          request: { item: 'x', bidders: ['ann', 'zed'] },
        }),
      ),
    ).toMatchObject({ appCode: 'UNKNOWN_PARTICIPANTS' });

    const { session } = await coord.session.create.mutate({
      kind: 'auction',
      request: { item: 'a lamp', bidders: ['ann', 'ben'] },
    });
    const id = session.id;
    // Too early, a kind of another protocol, a malformed one, a kind nobody runs.
    expect(await failure(submit(ann, id, { kind: 'seal', seal: 'ab'.repeat(32) }))).toMatchObject({
      appCode: 'WRONG_PHASE',
    });
    expect(await failure(submit(ann, id, { kind: 'nonces_lost', commitRound: 1 }))).toMatchObject({
      appCode: 'BAD_REQUEST',
      message: expect.stringContaining('auction sessions take seal, note and open submissions'),
    });
    for (const c of [ann, ben]) await c.participant.respond.mutate({ sessionId: id, accept: true });
    expect(await failure(submit(ann, id, { kind: 'seal', seal: 'nothex' }))).toMatchObject({
      appCode: 'BAD_REQUEST',
      message: expect.stringContaining('submission.seal'),
    });
    expect(await failure(submit(ann, id, { kind: 'bribe', amount: 1 }))).toMatchObject({
      appCode: 'BAD_REQUEST',
      message: expect.stringContaining('unknown submission kind bribe'),
    });
    await submit(ann, id, { kind: 'seal', seal: sealOf(1, 'ann-salt-2') });
    expect(
      await failure(submit(ann, id, { kind: 'seal', seal: sealOf(2, 'ann-salt-2') })),
    ).toMatchObject({
      appCode: 'ALREADY_SUBMITTED',
    });
    await submit(ben, id, { kind: 'seal', seal: sealOf(2, 'ben-salt-2') });
    // A point-to-point submission must address every other bidder exactly once.
    expect(await failure(submit(ann, id, { kind: 'note', notes: { cat: 'hi' } }))).toMatchObject({
      appCode: 'INVALID_PACKAGE',
      message: expect.stringContaining('notes from ann: missing shares for ben'),
    });
    const view = await coord.session.get.query({ sessionId: id });
    expect(view).toMatchObject({ state: 'notes', waitingFor: ['ann', 'ben'] });
    // The refusals are in the audit log (written in batches: flushed now); the session row is
    // what the view says.
    server.services.audit.flush();
    const db = new Database(path.join(dataDir, 'sigsocket.db'), { readonly: true });
    try {
      const row = db.prepare('select kind, state from sessions where id = ?').get(id);
      expect(row).toEqual({ kind: 'auction', state: 'notes' });
      const refusals = db
        .prepare("select outcome from audit_log where session_id = ? and outcome like 'refused:%'")
        .all(id) as Array<{ outcome: string }>;
      expect(refusals.map((r) => r.outcome)).toEqual(
        expect.arrayContaining([
          'refused: WRONG_PHASE',
          'refused: ALREADY_SUBMITTED',
          'refused: INVALID_PACKAGE',
        ]),
      );
    } finally {
      db.close();
    }
  });

  it('survives a restart of the server in the middle of a round', async () => {
    const first = await auctionServer();
    await registerBidders(first.server, first.token);
    let coord = await first.client('coord', 'coordinator');
    const { session } = await coord.session.create.mutate({
      kind: 'auction',
      request: { item: 'a clock', bidders: ['ann', 'ben'] },
    });
    const id = session.id;
    let ann = await first.client('ann', 'participant');
    let ben = await first.client('ben', 'participant');
    for (const c of [ann, ben]) await c.participant.respond.mutate({ sessionId: id, accept: true });
    await submit(ann, id, { kind: 'seal', seal: sealOf(5, 'ann-salt-3') });
    await first.server.close();

    const second = await auctionServer(first.dataDir);
    coord = await second.client('coord', 'coordinator');
    ann = await second.client('ann', 'participant');
    ben = await second.client('ben', 'participant');
    expect(await coord.session.get.query({ sessionId: id })).toMatchObject({
      state: 'sealing',
      waitingFor: ['ben'],
    });
    await submit(ben, id, { kind: 'seal', seal: sealOf(8, 'ben-salt-3') });
    await submit(ann, id, { kind: 'note', notes: { ben: 'hello' } });
    await submit(ben, id, { kind: 'note', notes: { ann: 'hello' } });
    await submit(ann, id, { kind: 'open', bid: 5, salt: 'ann-salt-3' });
    await submit(ben, id, { kind: 'open', bid: 8, salt: 'ben-salt-3' });
    expect((await waitForState(coord, id)).result).toEqual({
      winner: 'ben',
      bid: 8,
      item: 'a clock',
    });
  });
});
