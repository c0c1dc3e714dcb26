import type { Db } from './open.js';
import { auditLog } from './schema.js';

export interface AuditEntry {
  actor: string;
  role: string;
  action: string;
  outcome: string;
  sessionId?: string | null;
  /** Facts about the action; never tokens, shares, nonces or escrow blobs. */
  detail?: Record<string, unknown>;
  at?: number;
}

/** Appends one row to audit_log (inside the caller's transaction when given one). */
export function recordAudit(db: Pick<Db, 'insert'>, entry: AuditEntry): void {
  db.insert(auditLog)
    .values({
      at: entry.at ?? Date.now(),
      actor: entry.actor,
      role: entry.role,
      action: entry.action,
      outcome: entry.outcome,
      sessionId: entry.sessionId ?? null,
      detail: entry.detail ?? null,
    })
    .run();
}
