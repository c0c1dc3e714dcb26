import Database from 'better-sqlite3';
import { inArray } from 'drizzle-orm';
import type { Queryable } from './queryable.js';
import { nonceCommitments } from './schema.js';

/**
 * Every signing nonce commitment the server ever accepted (lowercase hex points). A commitment
 * seen before is refused, in any session, forever: a participant signing twice with one nonce
 * would reveal its share.
 */
export function seenCommitments(db: Queryable, commitments: readonly string[]): string[] {
  return db
    .select({ commitment: nonceCommitments.commitment })
    .from(nonceCommitments)
    .where(inArray(nonceCommitments.commitment, [...commitments]))
    .all()
    .map((r) => r.commitment);
}

/**
 * Records the commitments, or returns false (recording none) when one is already recorded: by
 * another transition of the same group commit, which `seenCommitments` could not see yet.
 */
export function recordCommitments(
  db: Queryable,
  row: { commitments: readonly string[]; participant: string; sessionId: string; at: number },
): boolean {
  try {
    db.insert(nonceCommitments)
      .values(
        row.commitments.map((commitment) => ({
          commitment,
          participant: row.participant,
          sessionId: row.sessionId,
          createdAt: row.at,
        })),
      )
      .run();
    return true;
  } catch (err) {
    if (err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
      return false;
    throw err;
  }
}
