import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from './queryable.js';
import { keyBans } from './schema.js';

/** Members barred from a key's sessions (table `key_bans`; docs/ecdsa.md, Bans). */
export type KeyBanRow = typeof keyBans.$inferSelect;

/** Bars each of `participants`; one already barred keeps its first row. */
export function insertKeyBans(
  db: Queryable,
  ban: {
    keyId: string;
    participants: readonly string[];
    sessionId: string;
    code: string;
    at: number;
  },
): void {
  for (const participant of ban.participants) {
    db.insert(keyBans)
      .values({
        keyId: ban.keyId,
        participant,
        sessionId: ban.sessionId,
        code: ban.code,
        createdAt: ban.at,
      })
      .onConflictDoNothing()
      .run();
  }
}

export function keyBansOf(db: Queryable, keyId: string): KeyBanRow[] {
  return db
    .select()
    .from(keyBans)
    .where(eq(keyBans.keyId, keyId))
    .orderBy(asc(keyBans.createdAt), asc(keyBans.participant))
    .all();
}

/** The bars of several keys in one query (key.list), by key id. */
export function keyBansOfKeys(db: Queryable, keyIds: readonly string[]): Map<string, KeyBanRow[]> {
  const byKey = new Map<string, KeyBanRow[]>();
  if (keyIds.length === 0) return byKey;
  const rows = db
    .select()
    .from(keyBans)
    .where(inArray(keyBans.keyId, [...keyIds]))
    .orderBy(asc(keyBans.createdAt), asc(keyBans.participant))
    .all();
  for (const row of rows) byKey.set(row.keyId, [...(byKey.get(row.keyId) ?? []), row]);
  return byKey;
}

/** Lifts a member's bar; false when it was not barred. */
export function deleteKeyBan(db: Queryable, keyId: string, participant: string): boolean {
  const result = db
    .delete(keyBans)
    .where(and(eq(keyBans.keyId, keyId), eq(keyBans.participant, participant)))
    .run();
  return result.changes > 0;
}
