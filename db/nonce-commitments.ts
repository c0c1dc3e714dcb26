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

export function recordCommitments(
  db: Queryable,
  row: { commitments: readonly string[]; participant: string; sessionId: string; at: number },
): void {
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
}
