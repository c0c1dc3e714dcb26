import type Database from 'better-sqlite3';
import type { Queryable } from './queryable.js';

/**
 * A statement prepared once per database (or transaction object) and reused: building a Drizzle
 * query each time costs more than running it, on the paths every submission takes.
 */
export function preparedPerDatabase<T>(prepare: (db: Queryable) => T): (db: Queryable) => T {
  const statements = new WeakMap<Queryable, T>();
  return (db) => {
    let statement = statements.get(db);
    if (!statement) statements.set(db, (statement = prepare(db)));
    return statement;
  };
}

/**
 * A raw better-sqlite3 statement prepared once per connection and reused, for the writes of a
 * session transition (docs/performance.md, persistence): they run inside whatever transaction
 * is open on the connection, so one statement serves every transaction.
 */
export function preparedPerConnection(
  sql: string,
): (sqlite: Database.Database) => Database.Statement {
  const statements = new WeakMap<Database.Database, Database.Statement>();
  return (sqlite) => {
    let statement = statements.get(sqlite);
    if (!statement) statements.set(sqlite, (statement = sqlite.prepare(sql)));
    return statement;
  };
}

/**
 * `INSERT INTO <table> (<columns>) VALUES (…), (…)` for `rows` rows in one statement, prepared
 * once per connection and row count (a transition writes a handful of rows of each kind).
 */
export function multiRowInsert(
  table: string,
  columns: readonly string[],
): (sqlite: Database.Database, rows: number) => Database.Statement {
  const byCount = new Map<number, (sqlite: Database.Database) => Database.Statement>();
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return (sqlite, rows) => {
    let prepared = byCount.get(rows);
    if (!prepared) {
      const values = Array.from({ length: rows }, () => tuple).join(', ');
      const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`;
      byCount.set(rows, (prepared = preparedPerConnection(sql)));
    }
    return prepared(sqlite);
  };
}

/** The better-sqlite3 connection under a Drizzle database (drizzle() sets `$client`). */
export function connectionOf(db: object): Database.Database {
  const client = (db as { $client?: Database.Database }).$client;
  if (!client) throw new Error('not a Drizzle database over better-sqlite3');
  return client;
}
