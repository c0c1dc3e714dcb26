// Group commit (server/sessions/commit-queue.ts, docs/performance.md, persistence): transitions
// of several sessions share one SQLite transaction and each is acknowledged only after it
// commits. Real runtimes on real SQLite files; the failing commit is a real one (a deferred
// foreign key that SQLite checks at COMMIT), the crash a real SIGKILL of a child process.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Queryable } from '../../db/queryable.js';
import type { AnySessionEvent } from '../../machines/index.js';
import { auditLog, sessionEvents, sessions } from '../../db/schema.js';
import { writeSessionRow } from '../../db/sessions.js';
import { AppError } from '../../protocol/errors.js';
import type { SessionView } from '../../protocol/session-view.js';
import { repoRoot } from '../support/cli.js';
import {
  accept,
  countOf,
  createKeygen,
  createKeygens,
  runtimeFiles,
  storedStatus as statusOf,
  type RuntimeOnFile,
} from './support/commit-fixture.js';

const files = runtimeFiles();
afterEach(() => files.cleanup());
const dbFile = files.file;
const open = (file?: string) => files.open(file);

/** A write that makes the COMMIT of its transaction fail (a foreign key checked at COMMIT). */
const failsAtCommit = (tx: Queryable) => {
  tx.run(sql`PRAGMA defer_foreign_keys = ON`);
  tx.run(
    sql`INSERT INTO escrows (key_id, participant, blob, created_at) VALUES ('no-such-key', 'p1', '00', 0)`,
  );
};

/** A write refused at once (an immediate foreign key): only its own savepoint rolls back. */
const failsAtOnce = (tx: Queryable) => {
  tx.run(
    sql`INSERT INTO escrows (key_id, participant, blob, created_at) VALUES ('no-such-key', 'p1', '00', 0)`,
  );
};

const transactionsOn = (r: RuntimeOnFile) => {
  const sqlite = r.opened.sqlite;
  const original = sqlite.transaction;
  let outermost = 0;
  sqlite.transaction = function (this: typeof sqlite, fn: never) {
    const tx = original.call(this, fn);
    return Object.assign((...args: never[]) => {
      if (!sqlite.inTransaction) outermost++;
      return (tx as unknown as (...a: never[]) => unknown)(...args);
    }, tx);
  } as typeof sqlite.transaction;
  return { count: () => outermost, restore: () => (sqlite.transaction = original) };
};

describe('group commit', () => {
  it('commits the transitions of several sessions queued in one tick in one transaction', async () => {
    const r = open();
    const transactions = transactionsOn(r);
    await createKeygens(r.runtime, ['a', 'b', 'c']);
    expect(transactions.count()).toBe(1); // creates too
    const published: number[] = [];
    r.bus.subscribe(({ event }) => published.push(event.id));
    const views = await Promise.all(['a', 'b', 'c'].map((id) => accept(r.runtime, id, 'p1')));
    transactions.restore();
    expect(transactions.count()).toBe(2);
    expect(views.map((v) => v.participants[0]!.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
    for (const id of ['a', 'b', 'c']) expect(statusOf(r, id)['p1']).toBe('accepted');
    // Each view names the newest event of its own session, and every event was published.
    const stored = r.opened.sqlite.prepare('select id from session_events order by id').all() as {
      id: number;
    }[];
    expect(published).toEqual(stored.slice(-published.length).map((e) => e.id));
    for (const v of views) expect(published).toContain(Number(v.lastEventId));
  });

  it('a failed shared commit fails every caller and returns every session to its committed state', async () => {
    const r = open();
    await createKeygens(r.runtime, ['a', 'b', 'c']);
    await accept(r.runtime, 'a', 'p1'); // committed before the failing batch
    const auditBefore = countOf(r, 'select count(*) as n from audit_log');
    const eventsBefore = countOf(r, 'select count(*) as n from session_events');
    const published: unknown[] = [];
    r.bus.subscribe((e) => published.push(e));

    const calls = [
      accept(r.runtime, 'a', 'p2'),
      accept(r.runtime, 'b', 'p1'),
      accept(r.runtime, 'b', 'p2'), // the same session twice in the batch
      accept(r.runtime, 'c', 'p1', failsAtCommit),
    ];
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    for (const o of outcomes) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({
        code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
      });
    }
    // Nothing of the batch is stored, nobody heard of it.
    expect(published).toEqual([]);
    expect(countOf(r, 'select count(*) as n from audit_log')).toBe(auditBefore);
    expect(countOf(r, 'select count(*) as n from session_events')).toBe(eventsBefore);
    expect(statusOf(r, 'a')).toMatchObject({ p1: 'accepted', p2: 'invited' });
    expect(statusOf(r, 'b')).toMatchObject({ p1: 'invited', p2: 'invited' });
    // In memory too: the sessions reopen from their stored snapshots and take the same answers.
    const a = r.runtime.get('a')!;
    expect(a.context.status).toMatchObject({ p1: 'accepted', p2: 'invited' });
    expect(r.runtime.get('b')!.context.status).toMatchObject({ p1: 'invited', p2: 'invited' });
    const again = await Promise.all([
      accept(r.runtime, 'a', 'p2'),
      accept(r.runtime, 'b', 'p1'),
      accept(r.runtime, 'c', 'p1'),
    ]);
    expect(again.map((v) => v.waitingFor)).toEqual([['p3'], ['p2', 'p3'], ['p2', 'p3']]);
    expect(statusOf(r, 'a')).toMatchObject({ p1: 'accepted', p2: 'accepted', p3: 'invited' });
  });

  it('a write refused inside the batch fails only its own session’s transitions', async () => {
    const r = open();
    await createKeygens(r.runtime, ['a', 'b']);
    const outcomes = await Promise.allSettled([
      accept(r.runtime, 'a', 'p1'),
      accept(r.runtime, 'b', 'p1'),
      accept(r.runtime, 'a', 'p2', failsAtOnce),
      accept(r.runtime, 'a', 'p3'), // after a's failed one: fails with it
      accept(r.runtime, 'b', 'p2'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect(statusOf(r, 'a')).toMatchObject({ p1: 'accepted', p2: 'invited', p3: 'invited' });
    expect(statusOf(r, 'b')).toMatchObject({ p1: 'accepted', p2: 'accepted', p3: 'invited' });
    expect(r.runtime.get('a')!.context.status).toMatchObject({ p1: 'accepted', p2: 'invited' });
    const a = await accept(r.runtime, 'a', 'p2');
    expect(a.waitingFor).toEqual(['p3']);
  });

  it('keeps two transitions of one session in order; the second sees the first', async () => {
    const r = open();
    await createKeygen(r.runtime, 'a');
    const order: string[] = [];
    const first = accept(r.runtime, 'a', 'p1').then((v) => (order.push('p1'), v));
    const second = accept(r.runtime, 'a', 'p2').then((v) => (order.push('p2'), v));
    // The same answer twice in the batch: the machine already has the first, refuses the second.
    const twice = accept(r.runtime, 'a', 'p1');
    await expect(twice).rejects.toBeInstanceOf(AppError);
    const [v1, v2] = (await Promise.all([first, second])) as [SessionView, SessionView];
    expect(order).toEqual(['p1', 'p2']);
    // Each caller sees the state its own transition reached.
    expect(v1.waitingFor).toEqual(['p2', 'p3']);
    expect(v2.waitingFor).toEqual(['p3']);
    expect(Number(v2.lastEventId)).toBeGreaterThan(Number(v1.lastEventId));
    const audit = r.opened.sqlite
      .prepare("select actor from audit_log where action = 'session.respond' order by id")
      .all();
    expect(audit).toEqual([{ actor: 'p1' }, { actor: 'p2' }]);
  });

  it('acknowledges a transition only once it is committed', async () => {
    const r = open();
    await createKeygen(r.runtime, 'a');
    const heard: number[] = [];
    r.bus.subscribe(({ event }) => heard.push(event.id));
    let storedWhenAcknowledged: string | undefined;
    const answer = accept(r.runtime, 'a', 'p1').then((view) => {
      storedWhenAcknowledged = statusOf(r, 'a')['p1'];
      return view;
    });
    // Taken in memory, queued, not committed: nobody has heard of it yet.
    expect(r.runtime.get('a')!.context.status['p1']).toBe('accepted');
    expect(statusOf(r, 'a')['p1']).toBe('invited');
    expect(heard).toEqual([]);
    await Promise.resolve();
    expect(storedWhenAcknowledged).toBeUndefined();
    await answer;
    expect(storedWhenAcknowledged).toBe('accepted');
    expect(heard.length).toBeGreaterThan(0);
  });

  it('writes the bytes Drizzle writes, so its rows read back alike through the Drizzle queries', async () => {
    const r = open();
    await createKeygen(r.runtime, 'a');
    await accept(r.runtime, 'a', 'p1');
    const at = Date.now();
    const audit = { actor: 'coord', role: 'coordinator', action: 'session.abort', outcome: 'ok' };
    const abort: AnySessionEvent = { type: 'ABORT', by: 'coord', reason: 'test', at };
    await r.runtime.apply(r.runtime.get('a')!, {
      event: abort,
      audit: [{ ...audit, sessionId: 'a', detail: { reason: 'test' }, at }],
    });
    const { db, sqlite } = r.opened;
    const raw = (table: string) =>
      sqlite.prepare(`select * from ${table} order by rowid`).all() as Record<string, unknown>[];
    // Each JSON column holds exactly what Drizzle writes for the value it reads back.
    const asDrizzleWrites = (value: unknown) => (value == null ? null : JSON.stringify(value));
    const row = db.select().from(sessions).where(eq(sessions.id, 'a')).get()!;
    const [stored] = raw('sessions');
    expect(row.state).toBe('aborted');
    expect(row.error).not.toBeNull();
    for (const [column, key] of [
      ['snapshot', 'snapshot'],
      ['waiting_for', 'waitingFor'],
      ['error', 'error'],
      ['result', 'result'],
      ['participants', 'participants'],
    ] as const) {
      expect(stored![column], column).toBe(asDrizzleWrites(row[key]));
    }
    // Written back through Drizzle, the row keeps every byte.
    const { id: _, ...columns } = row;
    db.update(sessions).set(columns).where(eq(sessions.id, 'a')).run();
    expect(raw('sessions')).toEqual([stored]);
    const events = db.select().from(sessionEvents).orderBy(sessionEvents.id).all();
    expect(raw('session_events').map((e) => e['payload'])).toEqual(
      events.map((e) => asDrizzleWrites(e.payload)),
    );
    // The ids of one multi-row INSERT are consecutive (AUTOINCREMENT under the write lock).
    expect(events.map((e) => e.id)).toEqual(events.map((_e, i) => events[0]!.id + i));
    const entries = db.select().from(auditLog).orderBy(auditLog.id).all();
    expect(raw('audit_log').map((e) => e['detail'])).toEqual(
      entries.map((e) => asDrizzleWrites(e.detail)),
    );
    expect(entries.map((e) => e.action)).toEqual([
      'keygen.create',
      'session.respond',
      'session.abort',
      'session.end',
    ]);
  });

  it('compares snapshots with what the store holds; an unchanged one moves only updated_at', async () => {
    const r = open();
    await createKeygen(r.runtime, 'a');
    expect(r.runtime.get('a')!.serialize().changed).toBe(false); // what create wrote
    await accept(r.runtime, 'a', 'p1');
    expect(r.runtime.get('a')!.serialize().changed).toBe(false); // what the answer wrote
    // Reopened from the database, the actor's snapshot is the stored one, byte for byte.
    const again = open(r.opened.file);
    again.runtime.restore();
    expect(again.runtime.get('a')!.serialize().changed).toBe(false);
    const row = () => r.opened.sqlite.prepare('select * from sessions where id = ?').get('a');
    const before = row() as Record<string, unknown>;
    r.opened.sqlite.transaction(() => writeSessionRow(r.opened.sqlite, 'a', { updatedAt: 42 }))();
    expect(row()).toEqual({ ...before, updated_at: 42 });
  });
});

describe('group commit across a crash', () => {
  /** Runs the child until it exits (or until `killWhen` sees its output, then SIGKILLs it). */
  function child(
    file: string,
    sessions: number,
    mode: 'queued' | 'loop',
    killWhen?: (out: string) => boolean,
  ) {
    return new Promise<string>((resolve, reject) => {
      const script = path.join(repoRoot, 'test/sessions/support/commit-crash-child.ts');
      const proc = spawn(
        process.execPath,
        ['--import', 'tsx', script, file, String(sessions), mode],
        {
          cwd: repoRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (killWhen?.(out)) proc.kill('SIGKILL');
      });
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      proc.on('error', reject);
      proc.on('exit', (code, signal) => {
        if (signal === 'SIGKILL') resolve(out);
        else reject(new Error(`child exited with ${code} before it was killed: ${err}`));
      });
    });
  }

  const acks = (out: string) =>
    [...out.matchAll(/^ack (\S+) (\S+)$/gm)].map(([, id, who]) => ({ id: id!, who: who! }));

  it('loses only what was queued and not acknowledged; retries after the restart apply exactly once', async () => {
    const file = dbFile();
    const out = await child(file, 5, 'queued');
    expect(out).toContain('queued');
    expect(acks(out).map((a) => a.who)).toEqual(['p1', 'p1', 'p1', 'p1', 'p1']);
    const r = open(file);
    expect(r.runtime.restore()).toBe(5);
    for (let k = 0; k < 5; k++)
      expect(statusOf(r, `kg-${k}`)).toMatchObject({ p1: 'accepted', p2: 'invited' });
    // The callers saw no answer for p2 and retry: each is taken once; a second retry is refused.
    await Promise.all([0, 1, 2, 3, 4].map((k) => accept(r.runtime, `kg-${k}`, 'p2')));
    await expect(accept(r.runtime, 'kg-0', 'p2')).rejects.toBeInstanceOf(AppError);
    expect(
      countOf(
        r,
        "select count(*) as n from audit_log where action = 'session.respond' and actor = 'p2'",
      ),
    ).toBe(5);
  });

  it('keeps every acknowledged transition when killed at an arbitrary moment', async () => {
    const file = dbFile();
    // 120 sessions answering at once: batches of 64 and the rest, three answers each.
    const out = await child(file, 120, 'loop', (o) => acks(o).length >= 150);
    const acknowledged = acks(out);
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    const r = open(file);
    r.runtime.restore();
    for (const { id, who } of acknowledged) expect(statusOf(r, id)[who]).toBe('accepted');
    // Stored answers are whole transitions: each has its audit row, and nothing is stored twice.
    const answers = countOf(
      r,
      "select count(*) as n from audit_log where action = 'session.respond'",
    );
    const accepted = r.opened.sqlite
      .prepare('select snapshot from sessions')
      .all()
      .map(
        (row) =>
          JSON.parse((row as { snapshot: string }).snapshot) as {
            context: { status: Record<string, string> };
          },
      )
      .reduce(
        (n, s) => n + Object.values(s.context.status).filter((x) => x === 'accepted').length,
        0,
      );
    expect(answers).toBe(accepted);
    expect(answers).toBeGreaterThanOrEqual(acknowledged.length);
  });
});
