import type Database from 'better-sqlite3';
import type { AuditEntry } from '../../db/audit.js';
import type { Logger } from '../logger.js';

/**
 * Appends audit rows in batches: one transaction per batch instead of one fsync per sign
 * request (the database runs with synchronous=FULL, so per-row commits would cap single-key
 * signing at a few hundred per second). A batch is written after `delayMs` or once it holds
 * `maxBatch` rows, and on flush(). Rows carry no secrets.
 *
 * It uses one prepared statement rather than the Drizzle builder (`db/audit.ts`): building
 * the query per row cost ~10% of the server's CPU at thousands of sign requests per second.
 * The columns are those of `audit_log` in db/schema.ts.
 */
export class AuditBatcher {
  private buffer: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly insert: Database.Statement;
  private readonly writeBatch: (rows: AuditEntry[]) => void;

  constructor(
    sqlite: Database.Database,
    private readonly logger: Logger,
    private readonly delayMs = 250,
    private readonly maxBatch = 1000,
  ) {
    this.insert = sqlite.prepare(
      'INSERT INTO audit_log (at, actor, role, action, session_id, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.writeBatch = sqlite.transaction((rows: AuditEntry[]) => {
      for (const r of rows) {
        this.insert.run(r.at ?? Date.now(), r.actor, r.role, r.action, r.sessionId ?? null, r.outcome, r.detail ? JSON.stringify(r.detail) : null);
      }
    });
  }

  record(entry: AuditEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs).unref();
  }

  /** Writes what is buffered now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    try {
      this.writeBatch(rows);
    } catch (err) {
      this.logger.error({ err, rows: rows.length }, 'could not write audit rows');
    }
  }
}
