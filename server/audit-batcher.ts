import type Database from 'better-sqlite3';
import { auditBatchWriter, type AuditEntry } from '../db/audit.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

/**
 * Appends audit rows in batches: one transaction per batch instead of one fsync per row (the
 * database runs with synchronous=FULL, so per-row commits would cap single-key signing at a few
 * hundred per second, and let a burst of refused calls hold the event loop). Used for sign
 * requests, refused session calls and rate-limit refusals (docs/reliability.md, "Limits"). A
 * batch is written after `delayMs` or once it holds `maxBatch` rows, and on flush(). Rows carry
 * no secrets.
 */
export class AuditBatcher {
  private buffer: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly writeBatch: (rows: readonly AuditEntry[]) => void;

  constructor(
    sqlite: Database.Database,
    clock: Clock,
    private readonly logger: Logger,
    private readonly delayMs = 250,
    private readonly maxBatch = 1000,
  ) {
    this.writeBatch = auditBatchWriter(sqlite, clock);
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
