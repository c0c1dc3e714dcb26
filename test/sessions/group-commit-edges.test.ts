// Group commit at its edges (server/sessions/commit-queue.ts, docs/sessions.md, Durability):
// a failure SQLite answers by rolling back the whole transaction, a deadline whose commit fails,
// shutdown with transitions queued, eviction of actors with uncommitted transitions, and nonce
// commitments seen twice in one commit. Real runtimes on real SQLite files; the failures are
// real ones (triggers, constraints).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { recordCommitments } from '../../db/nonce-commitments.js';
import { CommitQueue } from '../../server/sessions/commit-queue.js';
import { MAX_OPEN_SESSIONS } from '../../server/sessions/runtime.js';
import {
  accept,
  countOf,
  createKeygen,
  createKeygens,
  runtimeFiles,
  storedStatus,
} from './support/commit-fixture.js';

const files = runtimeFiles();
afterEach(() => files.cleanup());

/** Polls `check` every 20 ms until it holds (a test that never gets there times out). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('group commit edges', () => {
  it('a write that rolls back the whole transaction fails the whole batch; nothing commits on its own', async () => {
    const r = files.open();
    await createKeygens(r.runtime, ['a', 'b', 'c']);
    const eventsBefore = countOf(r, 'select count(*) as n from session_events');
    // RAISE(ROLLBACK) ends the transaction itself, not just the statement or the savepoint.
    r.opened.sqlite.exec(`CREATE TRIGGER refuse_b BEFORE INSERT ON session_events
      WHEN NEW.session_id = 'b' BEGIN SELECT RAISE(ROLLBACK, 'refused by the test'); END`);
    const outcomes = await Promise.allSettled(
      ['a', 'b', 'c'].map((id) => accept(r.runtime, id, 'p1')),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const id of ['a', 'b', 'c']) expect(storedStatus(r, id)['p1']).toBe('invited');
    expect(countOf(r, 'select count(*) as n from session_events')).toBe(eventsBefore);
    expect(countOf(r, "select count(*) as n from audit_log where action = 'session.respond'")).toBe(
      0,
    );
    expect(r.opened.sqlite.inTransaction).toBe(false);
    r.opened.sqlite.exec('DROP TRIGGER refuse_b');
    const views = await Promise.all(['a', 'b', 'c'].map((id) => accept(r.runtime, id, 'p1')));
    expect(views.map((v) => v.waitingFor)).toEqual([
      ['p2', 'p3'],
      ['p2', 'p3'],
      ['p2', 'p3'],
    ]);
  });

  it('a create whose commit fails leaves no session; a transition queued behind it fails too', async () => {
    const r = files.open();
    r.opened.sqlite.exec(`CREATE TRIGGER refuse_b BEFORE INSERT ON sessions
      WHEN NEW.id = 'b' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    const creates = Promise.allSettled([
      createKeygen(r.runtime, 'a'),
      createKeygen(r.runtime, 'b'),
    ]);
    expect(r.runtime.running).toBe(2); // counted for the caps from the start
    const behind = accept(r.runtime, 'b', 'p1');
    expect((await creates).map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    await expect(behind).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_TRIGGER' });
    expect(r.runtime.get('b')).toBeUndefined();
    expect(r.runtime.running).toBe(1);
    expect(countOf(r, "select count(*) as n from sessions where id = 'b'")).toBe(0);
    expect(countOf(r, "select count(*) as n from session_events where session_id = 'b'")).toBe(0);
    r.opened.sqlite.exec('DROP TRIGGER refuse_b');
    await createKeygen(r.runtime, 'b');
    expect((await accept(r.runtime, 'b', 'p1')).waitingFor).toEqual(['p2', 'p3']);
  });

  it('retries a timeout whose commit failed, and then times the session out', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const r = files.open(undefined, { logger: pino(sink) });
    await createKeygen(r.runtime, 'a', { inviteMs: 50, roundMs: 60_000 });
    r.opened.sqlite.exec(`CREATE TRIGGER refuse_end BEFORE UPDATE OF state ON sessions
      WHEN NEW.state <> OLD.state BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    await until(() => lines.some((l) => l.includes('could not time out a session; retrying')));
    expect(r.opened.sqlite.prepare("select state from sessions where id = 'a'").get()).toEqual({
      state: 'inviting',
    });
    r.opened.sqlite.exec('DROP TRIGGER refuse_end');
    const ended = () => r.opened.sqlite.prepare("select state from sessions where id = 'a'").get();
    await until(() => (ended() as { state: string }).state !== 'inviting');
    expect(ended()).toEqual({ state: 'timed_out' });
    expect(r.runtime.running).toBe(0);
  });

  it('close commits what is queued and acknowledges it; nothing is taken after close', async () => {
    const r = files.open();
    await createKeygens(r.runtime, ['a', 'b']);
    const queued = ['a', 'b'].map((id) => accept(r.runtime, id, 'p1'));
    r.runtime.close();
    await expect(Promise.all(queued)).resolves.toHaveLength(2);
    for (const id of ['a', 'b']) expect(storedStatus(r, id)['p1']).toBe('accepted');
    expect(r.runtime.get('a')).toBeUndefined();
  });

  it('a closed commit queue fails a write at once with STOPPED, writing nothing', () => {
    const r = files.open();
    const queue = new CommitQueue(r.opened.sqlite, { maxBatch: 8, onCallbackError: () => {} });
    const outcomes: string[] = [];
    const write = (name: string) => ({
      key: name,
      write: () => r.opened.sqlite.prepare('insert into probe values (?)').run(name),
      committed: () => outcomes.push(`${name} committed`),
      failed: (err: unknown) => outcomes.push(`${name} ${(err as { code: string }).code}`),
    });
    r.opened.sqlite.exec('create table probe (name text)');
    queue.enqueue(write('before'));
    queue.close();
    queue.enqueue(write('after'));
    expect(outcomes).toEqual(['before committed', 'after STOPPED']);
    expect(countOf(r, 'select count(*) as n from probe')).toBe(1);
  });

  it('keeps an actor with uncommitted transitions open past MAX_OPEN_SESSIONS, closes it once committed', async () => {
    // One batch for all of them, so none commits before the creates below.
    const r = files.open(undefined, { maxCommitBatch: 2 * MAX_OPEN_SESSIONS });
    const ids = Array.from({ length: MAX_OPEN_SESSIONS }, (_, k) => `s-${k}`);
    await createKeygens(r.runtime, ids);
    // Every open actor has an answer queued when more sessions are created in the same tick.
    const queued = ids.map((id) => accept(r.runtime, id, 'p1'));
    const more = createKeygens(r.runtime, ['x-0', 'x-1', 'x-2']);
    expect(r.runtime.hydrated).toBe(MAX_OPEN_SESSIONS + 3);
    const views = await Promise.all(queued);
    await more;
    expect(views.every((v) => v.participants[0]!.status === 'accepted')).toBe(true);
    await createKeygen(r.runtime, 'x-3');
    expect(r.runtime.hydrated).toBe(MAX_OPEN_SESSIONS);
    // The closed ones open again from the database, with their committed answers.
    expect(r.runtime.get('s-0')!.context.status['p1']).toBe('accepted');
    expect((await accept(r.runtime, 's-0', 'p2')).waitingFor).toEqual(['p3']);
  });

  it('a nonce commitment recorded twice before one commit is refused the second time', () => {
    const r = files.open();
    const row = { commitments: ['02ab'], participant: 'p1', sessionId: 'a', at: 1 };
    const outcomes = r.opened.sqlite.transaction(() => [
      recordCommitments(r.opened.db, row),
      recordCommitments(r.opened.db, { ...row, sessionId: 'b' }),
    ])();
    expect(outcomes).toEqual([true, false]);
    expect(countOf(r, 'select count(*) as n from nonce_commitments')).toBe(1);
  });
});
