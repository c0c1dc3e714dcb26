import { and, desc, eq, notInArray, sql, type SQL } from 'drizzle-orm';
import { preparedPerDatabase } from './prepared.js';
import type { Queryable } from './queryable.js';
import { sessions } from './schema.js';

/** Session rows (table `sessions`; docs/sessions.md, Inspecting with `sqlite3`). */
export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;
export type SessionRowPatch = Partial<Omit<NewSessionRow, 'id' | 'kind' | 'createdAt'>>;

const FINAL_STATES = ['completed', 'rejected', 'failed', 'timed_out', 'aborted'];

const getById = preparedPerDatabase((db) =>
  db
    .select()
    .from(sessions)
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare(),
);

export function getSessionRow(db: Queryable, id: string): SessionRow | undefined {
  return getById(db).get({ id });
}

export function insertSessionRow(db: Queryable, row: NewSessionRow): void {
  db.insert(sessions).values(row).run();
}

export function updateSessionRow(db: Queryable, id: string, patch: SessionRowPatch): void {
  db.update(sessions).set(patch).where(eq(sessions.id, id)).run();
}

/** Sessions still running (restored on start). */
export function unfinishedSessionRows(db: Queryable): SessionRow[] {
  return db.select().from(sessions).where(notInArray(sessions.state, FINAL_STATES)).all();
}

/** SQL condition: the session names `participant` (sessions.participants is a JSON array). */
export function namesParticipant(participant: string): SQL {
  return sql`exists (select 1 from json_each(${sessions.participants}) where value = ${participant})`;
}

export interface SessionFilter {
  kind?: string | undefined;
  state?: string | undefined;
  /** Only sessions of this coordinator. */
  coordinator?: string | undefined;
  /** Only sessions naming this participant. */
  participant?: string | undefined;
  limit: number;
}

/** Newest first. */
export function listSessionRows(db: Queryable, filter: SessionFilter): SessionRow[] {
  const where = [
    filter.kind ? eq(sessions.kind, filter.kind) : undefined,
    filter.state ? eq(sessions.state, filter.state) : undefined,
    filter.coordinator !== undefined ? eq(sessions.coordinator, filter.coordinator) : undefined,
    filter.participant !== undefined ? namesParticipant(filter.participant) : undefined,
  ].filter((c): c is SQL => c !== undefined);
  return db
    .select()
    .from(sessions)
    .where(and(...where))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(filter.limit)
    .all();
}

/** Sessions by kind and state, for the metrics gauge. */
export function countSessionsByState(
  db: Queryable,
): Array<{ kind: string; state: string; count: number }> {
  return db
    .select({ kind: sessions.kind, state: sessions.state, count: sql<number>`count(*)` })
    .from(sessions)
    .groupBy(sessions.kind, sessions.state)
    .all();
}
