import type Database from 'better-sqlite3';
import type { Db } from './open.js';
import { multiRowInsert } from './prepared.js';
import { auditLog } from './schema.js';

/**
 * The one way into `audit_log`: single rows inside a caller's transaction (sessions, tokens,
 * identities) and batches of many rows in one transaction (single-key signing writes a row per
 * request). The database never reads a clock: callers give `at`, or a `now` to read it from.
 *
 * @module
 */

export interface AuditEntry {
  actor: string;
  role: string;
  action: string;
  outcome: string;
  sessionId?: string | null;
  /** Facts about the action; never tokens, shares, nonces or escrow blobs. */
  detail?: Record<string, unknown>;
  /** Epoch ms; when absent, `now()` of the writer. */
  at?: number;
}

/** Appends one row to audit_log (inside the caller's transaction when given one). */
export function recordAudit(
  db: Pick<Db, 'insert'>,
  entry: AuditEntry,
  now: () => number = Date.now,
): void {
  db.insert(auditLog)
    .values({
      at: entry.at ?? now(),
      actor: entry.actor,
      role: entry.role,
      action: entry.action,
      outcome: entry.outcome,
      sessionId: entry.sessionId ?? null,
      detail: entry.detail ?? null,
    })
    .run();
}

/** The columns of `auditLog` in schema.ts, in the order `auditParams` gives their values. */
const AUDIT_COLUMNS = ['at', 'actor', 'role', 'action', 'session_id', 'outcome', 'detail'] as const;

function auditParams(r: AuditEntry, now: () => number): unknown[] {
  const detail = r.detail ? JSON.stringify(r.detail) : null;
  return [r.at ?? now(), r.actor, r.role, r.action, r.sessionId ?? null, r.outcome, detail];
}

const insertAudit = multiRowInsert('audit_log', AUDIT_COLUMNS);

/**
 * Appends `entries` to audit_log in one prepared statement, inside the transaction open on
 * `sqlite` (a session transition's rows: the same bytes as `recordAudit`, without building the
 * Drizzle query each time).
 */
export function insertAuditRows(
  sqlite: Database.Database,
  entries: readonly AuditEntry[],
  now: () => number = Date.now,
): void {
  if (entries.length === 0) return;
  insertAudit(sqlite, entries.length).run(...entries.flatMap((r) => auditParams(r, now)));
}

/**
 * A writer of many rows in one transaction. It uses one prepared statement rather than the
 * Drizzle builder of `recordAudit`: building the query per row cost ~10% of the server's CPU at
 * thousands of sign requests per second.
 */
export function auditBatchWriter(
  sqlite: Database.Database,
  now: () => number = Date.now,
): (rows: readonly AuditEntry[]) => void {
  const insert = insertAudit(sqlite, 1);
  return sqlite.transaction((rows: readonly AuditEntry[]) => {
    for (const r of rows) insert.run(...auditParams(r, now));
  });
}
