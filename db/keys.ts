import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from './queryable.js';
import { escrows, keys } from './schema.js';

/**
 * Threshold keys (table `keys`; docs/sessions.md, Inspecting with `sqlite3`) and their
 * participants' escrow blobs.
 */
export type KeyRow = typeof keys.$inferSelect;
export type NewKeyRow = typeof keys.$inferInsert;

export function getKeyRow(db: Queryable, id: string): KeyRow | undefined {
  return db.select().from(keys).where(eq(keys.id, id)).get();
}

export function insertKeyRow(db: Queryable, row: NewKeyRow): void {
  db.insert(keys).values(row).run();
}

/** A key's new status (docs/lifecycle.md, Key status). */
export function setKeyStatus(db: Queryable, id: string, status: string): void {
  db.update(keys).set({ status }).where(eq(keys.id, id)).run();
}

export function listKeyRows(
  db: Queryable,
  filter: { coordinator?: string | undefined; participant?: string | undefined; limit: number },
): KeyRow[] {
  const where = [
    filter.coordinator !== undefined ? eq(keys.coordinator, filter.coordinator) : undefined,
    filter.participant !== undefined
      ? sql`exists (select 1 from json_each(${keys.participants}) where json_extract(value, '$.name') = ${filter.participant})`
      : undefined,
  ].filter((c): c is SQL => c !== undefined);
  return db
    .select()
    .from(keys)
    .where(and(...where))
    .orderBy(desc(keys.createdAt), desc(keys.id))
    .limit(filter.limit)
    .all();
}

export function insertEscrows(
  db: Queryable,
  keyId: string,
  blobs: Record<string, string>,
  at: number,
): void {
  const rows = Object.entries(blobs).map(([participant, blob]) => ({
    keyId,
    participant,
    blob,
    createdAt: at,
  }));
  if (rows.length > 0) db.insert(escrows).values(rows).run();
}

/** participant name → escrow blob for one key. */
export function escrowsOfKey(db: Queryable, keyId: string): Map<string, string> {
  const rows = db.select().from(escrows).where(eq(escrows.keyId, keyId)).all();
  return new Map(rows.map((r) => [r.participant, r.blob]));
}

export function escrowOf(db: Queryable, keyId: string, participant: string): string | undefined {
  return db
    .select({ blob: escrows.blob })
    .from(escrows)
    .where(and(eq(escrows.keyId, keyId), eq(escrows.participant, participant)))
    .get()?.blob;
}
