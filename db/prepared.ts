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
