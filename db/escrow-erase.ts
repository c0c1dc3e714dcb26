import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Queryable } from './queryable.js';
import { escrows, keys, sessionEvents, sessions } from './schema.js';

/**
 * Erasing a key's escrow blobs (docs/lifecycle.md, What is erased). The rows of `escrows` are
 * not the only copies: the keygen keeps each holder's blob in its snapshot (the confirmations
 * and the result), and every signing of the key keeps its signers' blobs in its snapshot and in
 * the `sign_invite` event it sent each of them. By convention every such copy sits under a
 * property named `escrow` (one blob) or `escrows` (owner → blob), so one redaction covers every
 * scheme: `escrow` becomes null and `escrows` an empty object. Only sessions of this key are
 * read; the cost grows with the number of its sessions.
 */
export function eraseEscrowsOfKey(db: Queryable, keyId: string): void {
  db.delete(escrows).where(eq(escrows.keyId, keyId)).run();
  const key = db
    .select({ keygen: keys.keygenSessionId })
    .from(keys)
    .where(eq(keys.id, keyId))
    .get();
  const ofKey = key
    ? or(eq(sessions.id, key.keygen), eq(sessions.keyId, keyId))
    : eq(sessions.keyId, keyId);
  const sessionIds = db
    .select({ id: sessions.id })
    .from(sessions)
    .where(ofKey)
    .all()
    .map((s) => s.id);
  if (sessionIds.length === 0) return;

  const snapshots = db
    .select({ id: sessions.id, snapshot: sessions.snapshot })
    .from(sessions)
    .where(and(inArray(sessions.id, sessionIds), mentionsEscrow(sessions.snapshot)))
    .all();
  for (const { id, snapshot } of snapshots) {
    db.update(sessions)
      .set({ snapshot: withoutEscrows(snapshot) })
      .where(eq(sessions.id, id))
      .run();
  }

  const events = db
    .select({ id: sessionEvents.id, payload: sessionEvents.payload })
    .from(sessionEvents)
    .where(and(inArray(sessionEvents.sessionId, sessionIds), mentionsEscrow(sessionEvents.payload)))
    .all();
  for (const { id, payload } of events) {
    db.update(sessionEvents)
      .set({ payload: withoutEscrows(payload) })
      .where(eq(sessionEvents.id, id))
      .run();
  }
}

/** The JSON text has a property whose name starts with `escrow` (cheap pre-filter). */
const mentionsEscrow = (column: typeof sessions.snapshot | typeof sessionEvents.payload) =>
  sql`instr(${column}, '"escrow') > 0`;

/** A copy of `value` with every `escrow` set to null and every `escrows` emptied (an object or an array). */
export function withoutEscrows<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutEscrows) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) {
    if (name === 'escrow' && typeof inner === 'string') out[name] = null;
    else if (name === 'escrows' && inner !== null && typeof inner === 'object')
      out[name] = Array.isArray(inner) ? [] : {};
    else out[name] = withoutEscrows(inner);
  }
  return out as T;
}
