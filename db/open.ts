import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';
import { lockDataDir } from './lock.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenedDatabase {
  db: Db;
  sqlite: Database.Database;
  file: string;
  close(): void;
}

export const migrationsFolder = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'migrations',
);

/** Opens a database file and applies pending migrations (a no-op when up to date). */
export function openDatabaseFile(file: string): OpenedDatabase {
  // Create the file ourselves so it is private from the start; SQLite gives the -wal and -shm
  // files the same permissions.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  fs.chmodSync(file, 0o600);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a committed transaction survives a power cut too, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted and overwritten content is zeroed in the file, so an erased escrow blob does not
  // linger in free pages (docs/lifecycle.md, What is erased).
  sqlite.pragma('secure_delete = ON');
  const db = drizzle({ client: sqlite, schema, casing: 'snake_case' });
  migrate(db, { migrationsFolder });
  return { db, sqlite, file, close: () => sqlite.close() };
}

/**
 * Takes ownership of a data directory (created with mode 0700) and opens
 * `<dir>/sigsocket.db`. A second owner is refused with DataDirLockedError.
 */
export function openDataDir(dir: string): OpenedDatabase {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const release = lockDataDir(dir);
  try {
    const opened = openDatabaseFile(path.join(dir, 'sigsocket.db'));
    return {
      ...opened,
      close() {
        try {
          opened.close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
