import fs from 'node:fs';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { SigSocketError } from '../protocol/errors.js';
import type { Db } from './open.js';
import * as schema from './schema.js';

export type DatabaseFileErrorCode = 'DATABASE_FILE_MISSING' | 'DATABASE_FILE_UNREADABLE';

export class DatabaseFileError extends SigSocketError<DatabaseFileErrorCode> {}

/**
 * Opens a database file for reading only (operators' tools; safe next to a running server in WAL
 * mode): no migrations, no lock, no writes. The caller closes it.
 */
export function openDatabaseReadOnly(file: string): { db: Db; close(): void } {
  if (!fs.existsSync(file)) {
    throw new DatabaseFileError('DATABASE_FILE_MISSING', `database file ${file} does not exist`);
  }
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new DatabaseFileError(
      'DATABASE_FILE_UNREADABLE',
      `cannot open ${file} read-only: ${(err as Error).message}`,
    );
  }
  return {
    db: drizzle({ client: sqlite, schema, casing: 'snake_case' }),
    close: () => sqlite.close(),
  };
}
