import type Database from 'better-sqlite3';
import { SigSocketError } from '../../protocol/errors.js';

/** One transition's writes, waiting for the shared commit. */
export interface QueuedWrite<T> {
  /** The session it belongs to: writes of one key run in order, and one that fails fails the rest. */
  key: string;
  /** Runs inside the shared transaction (in its own savepoint when the batch has others). */
  write(): T;
  /** After COMMIT returned: the write is durable. */
  committed(value: T): void;
  /** Nothing of this write is stored: its own write threw, an earlier one of its key did, or COMMIT. */
  failed(error: unknown): void;
}

export interface CommitQueueOptions {
  /** A batch this large is committed at once rather than at the end of the macrotask. */
  maxBatch: number;
  /** A `committed` or `failed` callback threw (a bug: the others still run). */
  onCallbackError(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit (docs/performance.md, persistence): the writes of every transition queued in one
 * turn of the event loop go into one SQLite transaction, so N sessions pay one commit fsync
 * instead of N. Each write gets a savepoint, so a write that throws (a constraint) undoes only
 * itself and the later writes of its session; a failed COMMIT fails them all. Callbacks run in
 * queue order, synchronously after the transaction, so what a session acknowledges is exactly
 * what was committed.
 *
 * The batch is flushed from `setImmediate`, not a microtask: every request read in one poll
 * phase of the event loop (all the sockets that were readable, each its own I/O callback) has
 * queued its transition by the check phase, while a microtask would run after the first
 * callback alone and commit batches of one.
 */
export class CommitQueue {
  private batch: QueuedWrite<never>[] = [];
  private timer: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly options: CommitQueueOptions,
  ) {}

  enqueue<T>(item: QueuedWrite<T>): void {
    if (this.closed) {
      const stopped = new SigSocketError('STOPPED', 'the session store is closed');
      this.callback(() => item.failed(stopped));
      return;
    }
    this.batch.push(item as unknown as QueuedWrite<never>);
    if (this.batch.length >= this.options.maxBatch) this.flush();
    else this.timer ??= setImmediate(() => this.flush());
  }

  /** Commits what is queued now (also on shutdown, so nothing queued is dropped silently). */
  flush(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    try {
      // Created per flush, so a meter wrapping `sqlite.transaction` (bench/support) sees it.
      outcomes = this.sqlite.transaction(() => this.writeAll(batch))();
    } catch (error) {
      for (const item of batch) this.callback(() => item.failed(error));
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) this.callback(() => item.committed(outcome.value as never));
      else this.callback(() => item.failed(outcome.error));
    });
  }

  /** Shutdown: commits what is queued; a write queued later fails with STOPPED at once. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private writeAll(batch: QueuedWrite<never>[]): Outcome[] {
    // A batch of one needs no savepoint: if its write throws, the transaction rolls back.
    if (batch.length === 1) return [{ ok: true, value: batch[0]!.write() }];
    const savepoint = this.sqlite.transaction((write: () => unknown) => write());
    const failedKeys = new Map<string, unknown>();
    return batch.map((item): Outcome => {
      if (failedKeys.has(item.key)) return { ok: false, error: failedKeys.get(item.key) };
      try {
        return { ok: true, value: savepoint(() => item.write()) };
      } catch (error) {
        // Some errors (SQLITE_FULL, IOERR, NOMEM, BUSY) make SQLite roll back the whole
        // transaction, not only the savepoint: the writes before this one are gone too, and
        // the next would run outside any transaction, each committing on its own.
        if (!this.sqlite.inTransaction) throw error;
        failedKeys.set(item.key, error);
        return { ok: false, error };
      }
    });
  }

  private callback(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.options.onCallbackError(error);
    }
  }
}
