// Where the wall time of an in-process run goes, measured by wrapping the calls that block the
// event loop: SQLite (every transaction — BEGIN to COMMIT, fsync included, with the JS inside
// it — and every statement and prepare outside one) and the agents' fsyncs (their keystores
// are written with fs.fsyncSync). Nothing in server/ or client/ is changed for this.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import type Database from 'better-sqlite3';

export interface Spent {
  ms: number;
  calls: number;
}

export interface Meter {
  read(): Spent;
  restore(): void;
}

type Fn = (...args: never[]) => unknown;

function meter(): { spent: Spent; time<F extends Fn>(fn: F): F } {
  const spent = { ms: 0, calls: 0 };
  return {
    spent,
    time<F extends Fn>(fn: F): F {
      return function (this: unknown, ...args: Parameters<F>) {
        const t0 = performance.now();
        try {
          return fn.apply(this, args);
        } finally {
          spent.ms += performance.now() - t0;
          spent.calls++;
        }
      } as F;
    },
  };
}

/**
 * Times what runs on `sqlite` (one connection): transactions through `sqlite.transaction`, and
 * statements run outside a transaction (also those prepared before the meter started: their
 * methods are wrapped on the shared Statement prototype, for this connection only).
 */
export function meterSqlite(sqlite: Database.Database): Meter {
  const { spent, time } = meter();
  let depth = 0;
  const originalTransaction = sqlite.transaction;
  const originalPrepare = sqlite.prepare;
  sqlite.transaction = function (this: Database.Database, fn: never) {
    const tx = originalTransaction.call(this, fn) as unknown as Record<string, Fn> & Fn;
    const wrap = (variant: Fn) => {
      const timed = time(variant);
      return (...args: never[]) => {
        depth++;
        try {
          return depth === 1 ? timed(...args) : variant(...args);
        } finally {
          depth--;
        }
      };
    };
    return Object.assign(wrap(tx), {
      deferred: wrap(tx['deferred']!),
      immediate: wrap(tx['immediate']!),
      exclusive: wrap(tx['exclusive']!),
      default: wrap(tx['default']!),
    });
  } as typeof sqlite.transaction;
  // Statements inside a transaction are already in its time.
  const outside = <F extends Fn>(fn: F, mine: (self: unknown) => boolean): F => {
    const timed = time(fn);
    return function (this: unknown, ...args: Parameters<F>) {
      return depth === 0 && mine(this) ? timed.apply(this, args) : fn.apply(this, args);
    } as F;
  };
  sqlite.prepare = outside(originalPrepare as Fn, () => true) as unknown as typeof sqlite.prepare;
  const proto = Object.getPrototypeOf(originalPrepare.call(sqlite, 'select 1')) as Record<
    string,
    Fn
  >;
  const methods = ['run', 'get', 'all', 'iterate'] as const;
  const originals = methods.map((m) => proto[m]!);
  methods.forEach((m, i) => {
    proto[m] = outside(
      originals[i]!,
      (self) => (self as { database?: unknown }).database === sqlite,
    );
  });
  return {
    read: () => ({ ...spent }),
    restore() {
      sqlite.transaction = originalTransaction;
      sqlite.prepare = originalPrepare;
      methods.forEach((m, i) => (proto[m] = originals[i]!));
    },
  };
}

/** Times every fs.fsyncSync in this process (the participant keystores' durable writes). */
export function meterFsync(): Meter {
  const { spent, time } = meter();
  const original = fs.fsyncSync;
  fs.fsyncSync = time(original);
  syncBuiltinESMExports(); // also `import { fsyncSync } from 'node:fs'`
  return {
    read: () => ({ ...spent }),
    restore() {
      fs.fsyncSync = original;
      syncBuiltinESMExports();
    },
  };
}

/** The difference between two readings. */
export const since = (before: Spent, after: Spent): Spent => ({
  ms: after.ms - before.ms,
  calls: after.calls - before.calls,
});
