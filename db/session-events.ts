import type Database from 'better-sqlite3';
import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { SessionEvent } from '../protocol/sessions.js';
import { multiRowInsert, preparedPerDatabase } from './prepared.js';
import type { Queryable } from './queryable.js';
import { sessionEvents, sessions } from './schema.js';

/** A notification about to be stored (the id comes from SQLite). */
export type NewSessionEvent = Omit<SessionEvent, 'id'>;

const insertEvents = multiRowInsert('session_events', [
  'session_id',
  'type',
  'recipient',
  'payload',
  'created_at',
]);

/**
 * Inserts the events in order, in one prepared statement inside the transaction open on
 * `sqlite`, and returns them with their ids. The ids are consecutive: `id` is an AUTOINCREMENT
 * key and the transaction holds SQLite's write lock, so the rows of one INSERT get
 * last_insert_rowid() − n + 1 … last_insert_rowid(), in the order of their VALUES.
 */
export function insertSessionEvents(
  sqlite: Database.Database,
  events: NewSessionEvent[],
): SessionEvent[] {
  if (events.length === 0) return [];
  const params = events.flatMap((e) => [
    e.sessionId,
    e.type,
    e.recipient,
    JSON.stringify(e.payload),
    e.createdAt,
  ]);
  const last = Number(insertEvents(sqlite, events.length).run(...params).lastInsertRowid);
  const first = last - events.length + 1;
  return events.map((e, i) => ({ ...e, id: first + i }));
}

const lastIdOfSession = preparedPerDatabase((db) =>
  db
    .select({ id: sql<number | null>`max(${sessionEvents.id})` })
    .from(sessionEvents)
    .where(eq(sessionEvents.sessionId, sql.placeholder('sessionId')))
    .prepare(),
);

/** The id of the session's newest event (any recipient), or null before its first. */
export function lastSessionEventId(db: Queryable, sessionId: string): number | null {
  return lastIdOfSession(db).get({ sessionId })?.id ?? null;
}

function toEvent(row: typeof sessionEvents.$inferSelect): SessionEvent {
  return { ...row };
}

/**
 * Events of one session after `afterId` that `viewer` may see: everyone's, plus those addressed
 * to the viewer (session.watch).
 */
export function sessionEventsAfter(
  db: Queryable,
  q: { sessionId: string; viewer: string; afterId: number; limit: number },
): SessionEvent[] {
  return db
    .select()
    .from(sessionEvents)
    .where(
      and(
        eq(sessionEvents.sessionId, q.sessionId),
        gt(sessionEvents.id, q.afterId),
        or(isNull(sessionEvents.recipient), eq(sessionEvents.recipient, q.viewer)),
      ),
    )
    .orderBy(asc(sessionEvents.id))
    .limit(q.limit)
    .all()
    .map(toEvent);
}

/**
 * Everything addressed to `participant` after `afterId`: its own events and the broadcasts of
 * every session that names it (participant.inbox).
 */
export function inboxEventsAfter(
  db: Queryable,
  q: { participant: string; afterId: number; limit: number },
): SessionEvent[] {
  const named = db
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      sql`exists (select 1 from json_each(${sessions.participants}) where value = ${q.participant})`,
    );
  return db
    .select()
    .from(sessionEvents)
    .where(
      and(
        gt(sessionEvents.id, q.afterId),
        or(
          eq(sessionEvents.recipient, q.participant),
          and(isNull(sessionEvents.recipient), inArray(sessionEvents.sessionId, named)),
        ),
      ),
    )
    .orderBy(asc(sessionEvents.id))
    .limit(q.limit)
    .all()
    .map(toEvent);
}
