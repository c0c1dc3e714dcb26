import type { RunResult } from 'better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

/** The database or a transaction on it: query helpers take either. */
export type Queryable = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;
