import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabaseFile } from '../../db/open.js';
import { tempDir } from '../support/server.js';

const tables = [
  'sessions',
  'session_events',
  'keys',
  'participants',
  'audit_log',
  'escrows',
  'nonce_commitments',
];

function tableNames(file: string): string[] {
  const db = openDatabaseFile(file);
  try {
    return (
      db.sqlite
        .prepare("select name from sqlite_master where type = 'table' order by name")
        .all() as { name: string }[]
    ).map((r) => r.name);
  } finally {
    db.close();
  }
}

describe('database', () => {
  it('migrations create every table docs/sessions.md lists', () => {
    const file = path.join(tempDir(), 'sigsocket.db');
    expect(tableNames(file)).toEqual(expect.arrayContaining(tables));
  });

  it('creates the columns an operator queries, in snake_case', () => {
    const db = openDatabaseFile(path.join(tempDir(), 'sigsocket.db'));
    const columns = (table: string) =>
      (db.sqlite.prepare(`pragma table_info(${table})`).all() as { name: string }[]).map(
        (c) => c.name,
      );
    expect(columns('sessions')).toEqual(
      expect.arrayContaining([
        'id',
        'kind',
        'state',
        'scheme',
        'threshold',
        'participants',
        'coordinator',
        'key_id',
        'message',
        'deadline',
        'waiting_for',
        'result',
        'error',
        'snapshot',
        'created_at',
        'updated_at',
      ]),
    );
    expect(columns('session_events')).toEqual(
      expect.arrayContaining(['id', 'session_id', 'type', 'recipient', 'payload', 'created_at']),
    );
    expect(columns('keys')).toEqual(
      expect.arrayContaining([
        'id',
        'scheme',
        'group_public_key',
        'threshold',
        'participants',
        'verifying_shares',
        'address',
        'keygen_session_id',
        'created_at',
      ]),
    );
    db.close();
  });

  it('a restart applies nothing twice', () => {
    const file = path.join(tempDir(), 'sigsocket.db');
    const first = openDatabaseFile(file);
    const applied = first.sqlite
      .prepare('select count(*) as n from __drizzle_migrations')
      .get() as { n: number };
    first.sqlite
      .prepare(
        "insert into participants (name, identity_key, created_at, updated_at) values ('alice', '02aa', 1, 1)",
      )
      .run();
    first.close();
    const second = openDatabaseFile(file);
    expect(second.sqlite.prepare('select count(*) as n from __drizzle_migrations').get()).toEqual(
      applied,
    );
    expect(second.sqlite.prepare('select name from participants').all()).toEqual([
      { name: 'alice' },
    ]);
    second.close();
  });
});
