import { asc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from './queryable.js';
import { participants } from './schema.js';

/**
 * Registered participants and their identity keys (table `participants`; docs/sessions.md,
 * Inspecting with `sqlite3`).
 */
export type ParticipantRow = typeof participants.$inferSelect;

export function getParticipantRow(db: Queryable, name: string): ParticipantRow | undefined {
  return db.select().from(participants).where(eq(participants.name, name)).get();
}

/** name → identity key, for the registered ones among `names`. */
export function identityKeysOf(db: Queryable, names: readonly string[]): Map<string, string> {
  if (names.length === 0) return new Map();
  const rows = db
    .select({ name: participants.name, identityKey: participants.identityKey })
    .from(participants)
    .where(inArray(participants.name, [...names]))
    .all();
  return new Map(rows.map((r) => [r.name, r.identityKey]));
}

export function upsertParticipantRow(
  db: Queryable,
  row: { name: string; identityKey: string; at: number },
): void {
  db.insert(participants)
    .values({ name: row.name, identityKey: row.identityKey, createdAt: row.at, updatedAt: row.at })
    .onConflictDoUpdate({
      target: participants.name,
      set: { identityKey: row.identityKey, updatedAt: row.at },
    })
    .run();
}

export function listParticipantRows(db: Queryable, limit: number): ParticipantRow[] {
  return db.select().from(participants).orderBy(asc(participants.name)).limit(limit).all();
}
