import type Database from 'better-sqlite3';
import { and, desc, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import { preparedPerConnection, preparedPerDatabase } from './prepared.js';
import type { Queryable } from './queryable.js';
import type { Scheme } from '../protocol/frost/schemes.js';
import type { SessionSummary } from '../protocol/session-view.js';
import { sessions } from './schema.js';

/** Session rows (table `sessions`; docs/sessions.md, Inspecting with `sqlite3`). */
export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;

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

/** What one transition changes in its session's row (docs/performance.md, persistence). */
export interface SessionRowWrite {
  updatedAt: number;
  /** The columns derived from the machine's snapshot; absent when the snapshot is unchanged. */
  moved?: {
    state: string;
    /** The persisted snapshot, already serialized (JSON). */
    snapshotJson: string;
    deadline: number | null;
    waitingFor: string[];
    error: Record<string, unknown> | null;
    /** Set once, when the session completes (null leaves the column as it is). */
    result: Record<string, unknown> | null;
    keyId: string | null;
  };
}

const updateMoved = preparedPerConnection(
  'UPDATE sessions SET state = ?, snapshot = ?, deadline = ?, waiting_for = ?, error = ?, ' +
    'updated_at = ?, result = coalesce(?, result), key_id = coalesce(?, key_id) WHERE id = ?',
);
const updateTouched = preparedPerConnection('UPDATE sessions SET updated_at = ? WHERE id = ?');

const jsonOrNull = (value: unknown) => (value === null ? null : JSON.stringify(value));

/**
 * One transition's row update, in one prepared statement inside the transaction open on
 * `sqlite`: the snapshot and the columns derived from it only when the snapshot changed, else
 * only `updated_at`. JSON columns get the bytes Drizzle would write (JSON.stringify).
 */
export function writeSessionRow(sqlite: Database.Database, id: string, w: SessionRowWrite): void {
  const m = w.moved;
  if (!m) {
    updateTouched(sqlite).run(w.updatedAt, id);
    return;
  }
  updateMoved(sqlite).run(
    m.state,
    m.snapshotJson,
    m.deadline,
    JSON.stringify(m.waitingFor),
    jsonOrNull(m.error),
    w.updatedAt,
    jsonOrNull(m.result),
    m.keyId,
    id,
  );
}

/** What start-up needs of a running session: whose it is and when it times out. */
export interface RunningSessionHead {
  id: string;
  coordinator: string;
  kind: string;
  /** The existing key the session works on (signings, lifecycle); null for a keygen. */
  keyId: string | null;
  deadline: number | null;
  /** Nobody awaited: a follow-up (e.g. aggregating a signature) may be due. */
  awaitsNobody: boolean;
}

/**
 * Sessions still running, in one query and without their snapshots (start-up restores them
 * lazily: server/sessions/runtime.ts, restore).
 */
export function unfinishedSessionHeads(db: Queryable): RunningSessionHead[] {
  return db
    .select({
      id: sessions.id,
      coordinator: sessions.coordinator,
      kind: sessions.kind,
      keyId: sessions.keyId,
      deadline: sessions.deadline,
      awaitsNobody: sql<number>`${sessions.waitingFor} = '[]'`,
    })
    .from(sessions)
    .where(notInArray(sessions.state, FINAL_STATES))
    .all()
    .map((head) => ({ ...head, awaitsNobody: Boolean(head.awaitsNobody) }));
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
  /** Only sessions of this key (signings, lifecycle, the keygen that made it)… */
  keyId?: string | undefined;
  /** …of these kinds. */
  kinds?: readonly string[] | undefined;
  limit: number;
}

/**
 * Newest first, as summaries: the small columns a list shows and the newest event id, in one
 * query; the message, result and snapshot are never read (not even inside SQLite).
 */
export function listSessionSummaries(db: Queryable, filter: SessionFilter): SessionSummary[] {
  const rows = db
    .select({
      id: sessions.id,
      kind: sessions.kind,
      state: sessions.state,
      scheme: sessions.scheme,
      threshold: sessions.threshold,
      participants: sessions.participants,
      coordinator: sessions.coordinator,
      label: sessions.label,
      keyId: sessions.keyId,
      deadline: sessions.deadline,
      waitingFor: sessions.waitingFor,
      error: sessions.error,
      createdAt: sessions.createdAt,
      updatedAt: sessions.updatedAt,
      // Spelled out: drizzle leaves the outer column unqualified inside a subquery.
      lastEventId: sql<number | null>`(select max(e.id) from session_events e
        where e.session_id = "sessions"."id")`,
    })
    .from(sessions)
    .where(and(...filterConditions(filter)))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(filter.limit)
    .all();
  return rows.map((row) => ({
    ...row,
    scheme: row.scheme as Scheme,
    error: (row.error as SessionSummary['error']) ?? null,
    lastEventId: row.lastEventId === null ? null : String(row.lastEventId),
  }));
}

function filterConditions(filter: SessionFilter): SQL[] {
  return [
    // Unary `+` keeps SQLite off sessions_state_idx, which would read the (large) rows: the
    // covering indexes of schema.ts hold these columns.
    filter.kind ? sql`+${sessions.kind} = ${filter.kind}` : undefined,
    filter.state ? sql`+${sessions.state} = ${filter.state}` : undefined,
    filter.coordinator !== undefined ? eq(sessions.coordinator, filter.coordinator) : undefined,
    filter.participant !== undefined ? namesParticipant(filter.participant) : undefined,
    filter.keyId !== undefined ? eq(sessions.keyId, filter.keyId) : undefined,
    filter.kinds !== undefined ? inArray(sessions.kind, [...filter.kinds]) : undefined,
  ].filter((c): c is SQL => c !== undefined);
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
