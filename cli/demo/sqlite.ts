// Ready-to-paste sqlite3 commands for a kept demo database (queries from docs/sessions.md).
import path from 'node:path';

/** The path as one shell word (quoted only when it needs to be). */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

const QUERIES = [
  'select id, kind, state from sessions',
  "select id, state, key_id, json_extract(result, '$.signature') as signature from sessions " +
    "where kind = 'sign'",
  'select id, scheme, group_public_key, threshold, address, ethereum_address from keys',
  'select at, actor, action, session_id, outcome from audit_log order by id',
];

export function sqliteCommands(dataDir: string): string[] {
  const db = shellWord(path.join(dataDir, 'sigsocket.db'));
  return QUERIES.map((query) => `sqlite3 ${db} "${query}"`);
}
