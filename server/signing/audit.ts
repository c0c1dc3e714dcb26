import type { Db } from '../../db/open.js';
import { auditLog } from '../../db/schema.js';
import type { Logger } from '../logger.js';

export type AuditEntry = typeof auditLog.$inferInsert;

/**
 * Appends audit rows in batches: one transaction per batch instead of one fsync per sign
 * request (the database runs with synchronous=FULL, so per-row commits would cap single-key
 * signing at a few hundred per second). A batch is written after `delayMs` or once it holds
 * `maxBatch` rows, and on close. Rows carry no secrets.
 */
export class AuditBatcher {
  private buffer: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly delayMs = 100,
    private readonly maxBatch = 1000,
  ) {}

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
      this.db.transaction((tx) => {
        for (let i = 0; i < rows.length; i += 200) tx.insert(auditLog).values(rows.slice(i, i + 200)).run();
      });
    } catch (err) {
      this.logger.error({ err, rows: rows.length }, 'could not write audit rows');
    }
  }
}
