import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The tables (queried as an operator would in docs/sessions.md, Inspecting with `sqlite3`).
 * Column names are snake_case in SQLite (drizzle `casing: 'snake_case'`, set both in
 * drizzle.config.ts and at runtime in db/open.ts). Times are epoch milliseconds.
 * JSON columns hold plain JSON text so an operator can read them with the `sqlite3` shell.
 */

export const sessions = sqliteTable(
  'sessions',
  {
    id: text().primaryKey(),
    /** The protocol the session runs (`keygen`, `sign`, …: protocol/session/description.ts). */
    kind: text().notNull(),
    state: text().notNull(),
    scheme: text().notNull(),
    threshold: integer().notNull(),
    participants: text({ mode: 'json' }).$type<string[]>().notNull(),
    coordinator: text().notNull(),
    label: text(),
    keyId: text(),
    message: text(),
    deadline: integer(),
    waitingFor: text({ mode: 'json' }).$type<string[]>().notNull(),
    result: text({ mode: 'json' }).$type<Record<string, unknown>>(),
    error: text({ mode: 'json' }).$type<Record<string, unknown>>(),
    snapshot: text({ mode: 'json' }).$type<unknown>().notNull(),
    /** Hash of the creation request, so a repeated create with the same id is recognised. */
    requestHash: text().notNull(),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => {
    // The columns of a session.list summary besides its ordering (db/sessions.ts).
    const summary = [
      t.kind,
      t.state,
      t.scheme,
      t.threshold,
      t.participants,
      t.label,
      t.keyId,
      t.deadline,
      t.waitingFor,
      t.error,
      t.updatedAt,
    ] as const;
    return [
      index('sessions_state_idx').on(t.state),
      // key.history: the sessions of one key.
      index('sessions_key_idx').on(t.keyId, t.createdAt),
      // Covering indexes of session.list (docs/sessions.md, Listing sessions): a summary's
      // columns sit after `message` and `snapshot` in the row, so reading them from the table
      // walks each row's overflow pages (tens of ms per page of large sessions); from an
      // index, about 1 ms.
      index('sessions_coordinator_idx').on(t.coordinator, t.createdAt, t.id, ...summary),
      index('sessions_created_idx').on(t.createdAt, t.id, t.coordinator, ...summary),
    ];
  },
);

export const sessionEvents = sqliteTable(
  'session_events',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    sessionId: text()
      .notNull()
      .references(() => sessions.id),
    type: text().notNull(),
    /** null: everyone in the session (coordinator and participants); else one participant. */
    recipient: text(),
    payload: text({ mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer().notNull(),
  },
  (t) => [
    index('session_events_session_idx').on(t.sessionId, t.id),
    index('session_events_recipient_idx').on(t.recipient, t.id),
  ],
);

export const keys = sqliteTable('keys', {
  id: text().primaryKey(),
  scheme: text().notNull(),
  groupPublicKey: text().notNull(),
  threshold: integer().notNull(),
  participants: text({ mode: 'json' }).$type<{ name: string; index: number }[]>().notNull(),
  verifyingShares: text({ mode: 'json' }).$type<Record<string, string>>().notNull(),
  /** The key's Bitcoin address: P2TR (frost-secp256k1-tr), P2WPKH (dkls23-secp256k1), Solana (frost-ed25519). */
  address: text(),
  /** EIP-55 Ethereum address of an ECDSA key (dkls23-secp256k1); null for FROST keys. */
  ethereumAddress: text(),
  /** The key's epoch: 1 after its keygen, one more after each refresh or reshare (docs/lifecycle.md). */
  epoch: integer().notNull().default(1),
  /** `active`, `destroyed` or `destroy_incomplete` (docs/lifecycle.md, Key status). */
  status: text().notNull().default('active'),
  keygenSessionId: text()
    .notNull()
    .references(() => sessions.id),
  coordinator: text().notNull(),
  createdAt: integer().notNull(),
});

/** Each participant's signing share, encrypted to its own identity key (the seed's encrypted_shard). */
export const escrows = sqliteTable(
  'escrows',
  {
    keyId: text()
      .notNull()
      .references(() => keys.id),
    participant: text().notNull(),
    blob: text().notNull(),
    createdAt: integer().notNull(),
  },
  (t) => [uniqueIndex('escrows_key_participant_idx').on(t.keyId, t.participant)],
);

export const participants = sqliteTable('participants', {
  name: text().primaryKey(),
  identityKey: text().notNull(),
  createdAt: integer().notNull(),
  updatedAt: integer().notNull(),
});

/**
 * Every nonce commitment ever accepted, so the server refuses a commitment it has seen
 * before (a participant that replays nonces would leak its share).
 */
export const nonceCommitments = sqliteTable('nonce_commitments', {
  commitment: text().primaryKey(),
  participant: text().notNull(),
  sessionId: text().notNull(),
  createdAt: integer().notNull(),
});

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: integer().notNull(),
    actor: text().notNull(),
    role: text().notNull(),
    action: text().notNull(),
    sessionId: text(),
    outcome: text().notNull(),
    detail: text({ mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_session_idx').on(t.sessionId)],
);

/**
 * Members barred from the sessions of a key after a session of it named them (DKLs23: a failed
 * check may leak the checker's secrets, so the pair must not run again; docs/ecdsa.md, Bans),
 * until a coordinator clears them (`key.clearBan`).
 */
export const keyBans = sqliteTable(
  'key_bans',
  {
    keyId: text()
      .notNull()
      .references(() => keys.id),
    participant: text().notNull(),
    /** The session whose failure named the member. */
    sessionId: text().notNull(),
    code: text().notNull(),
    createdAt: integer().notNull(),
  },
  (t) => [uniqueIndex('key_bans_key_participant_idx').on(t.keyId, t.participant)],
);
