// The persistence suite's workload: keygen sessions driven through the real session runtime
// (server/sessions/runtime.ts: XState transition, snapshot, events and audit rows in one SQLite
// transaction each), with real DKG round-1 packages and ciphertext-sized round-2 shares. The
// crypto checks, which run before a transition, are left out (it is the store being measured):
// each session is created, answered, runs rounds 1 and 2, and is aborted — 11 transitions.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { pino } from 'pino';
import type { Db } from '../../db/open.js';
import * as schema from '../../db/schema.js';
import { runDkg } from '../../harness/frost-rounds.js';
import {
  DEFAULT_TIMEOUTS,
  type AnySessionEvent,
  type JsonObject,
  type KeygenInput,
} from '../../machines/index.js';
import { randomSecretKey, publicKeyOf } from '../../protocol/ecdsa/sign.js';
import { bytesToHex } from '../../protocol/encoding.js';
import { EventBus } from '../../server/sessions/bus.js';
import { ProtocolRegistry } from '../../server/sessions/protocols.js';
import { SessionRuntime } from '../../server/sessions/runtime.js';

const N = 3;
const T = 2;
const COORDINATOR = 'bench-coordinator';
const KEYGEN = new ProtocolRegistry().get('keygen');

export function storeRuntime(db: Db): SessionRuntime {
  return new SessionRuntime({
    db,
    logger: pino({ level: 'silent' }),
    bus: new EventBus(),
    protocols: new ProtocolRegistry(),
    network: 'bc',
    clock: Date.now,
  });
}

/** What every workload session reuses: participants with identity keys and real DKG packages. */
export function workloadFixture() {
  const participants = Array.from({ length: N }, (_, k) => ({
    name: `p${k + 1}`,
    index: k + 1,
    identityKey: bytesToHex(publicKeyOf(randomSecretKey())),
  }));
  const { round1 } = runDkg('frost-secp256k1', T, N);
  return { participants, round1 };
}

export const TRANSITIONS_PER_SESSION = 1 + 3 * N + 1;

/** Runs `count` workload sessions through `runtime`; returns the number of transitions. */
export function driveSessions(
  runtime: SessionRuntime,
  fixture: ReturnType<typeof workloadFixture>,
  count: number,
  prefix: string,
): number {
  const { participants, round1 } = fixture;
  const names = participants.map((p) => p.name);
  let transitions = 0;
  for (let k = 0; k < count; k++) {
    const sessionId = `${prefix}-${k}`;
    const at = Date.now();
    const audit = (actor: string, action: string, detail: Record<string, unknown>) => [
      {
        actor,
        role: actor === COORDINATOR ? 'coordinator' : 'participant',
        action,
        outcome: 'ok',
        sessionId,
        detail,
        at,
      },
    ];
    const input: KeygenInput = {
      sessionId,
      coordinator: COORDINATOR,
      scheme: 'frost-secp256k1',
      threshold: T,
      timeouts: DEFAULT_TIMEOUTS,
      at,
      label: null,
      participants,
    };
    runtime.create(
      KEYGEN,
      input,
      {
        label: null,
        keyId: null,
        message: null,
        requestHash: randomBytes(32).toString('hex'),
        participants: names,
      },
      audit(COORDINATOR, 'keygen.create', {
        threshold: T,
        participants: names,
        scheme: 'frost-secp256k1',
      }),
    );
    transitions++;
    const step = (
      event: AnySessionEvent,
      actor: string,
      action: string,
      detail: Record<string, unknown>,
    ) => {
      runtime.apply(runtime.get(sessionId)!, {
        event,
        audit: audit(actor, action, detail),
      });
      transitions++;
    };
    for (const p of participants)
      step({ type: 'RESPOND', participant: p.name, accept: true, at }, p.name, 'session.respond', {
        accept: true,
        reason: null,
      });
    for (const p of participants) {
      step(
        {
          type: 'ROUND1',
          participant: p.name,
          package: round1[p.index] as unknown as JsonObject,
          at,
        },
        p.name,
        'session.submit',
        { kind: 'round1' },
      );
    }
    for (const p of participants) {
      const shares = Object.fromEntries(
        names.filter((n) => n !== p.name).map((n) => [n, randomBytes(72).toString('hex')]),
      );
      step({ type: 'ROUND2', participant: p.name, shares, at }, p.name, 'session.submit', {
        kind: 'round2',
      });
    }
    step(
      { type: 'ABORT', by: COORDINATOR, reason: 'benchmark', at },
      COORDINATOR,
      'session.abort',
      { reason: 'benchmark' },
    );
  }
  return transitions;
}

export interface CapturedStatement {
  sql: string;
  params: unknown[];
}

/**
 * Runs `fn` with a Db over `sqlite` that records every statement drizzle sends inside a
 * transaction (the writes of each transition), grouped by transaction.
 */
export function captureTransactions(
  sqlite: Database.Database,
  fn: (db: Db) => void,
): CapturedStatement[][] {
  const transactions: CapturedStatement[][] = [];
  let current: CapturedStatement[] | undefined;
  const db = drizzle({
    client: sqlite,
    schema,
    casing: 'snake_case',
    logger: {
      logQuery: (sql, params) => current?.push({ sql, params: [...params] }),
    },
  });
  const original = sqlite.transaction;
  sqlite.transaction = function (this: Database.Database, body: never) {
    const tx = original.call(this, body) as unknown as Record<string, (...a: never[]) => unknown>;
    const run =
      (variant: (...a: never[]) => unknown) =>
      (...args: never[]) => {
        current = [];
        try {
          return variant(...args);
        } finally {
          transactions.push(current);
          current = undefined;
        }
      };
    return Object.assign(run(tx as never), {
      deferred: run(tx['deferred']!),
      immediate: run(tx['immediate']!),
      exclusive: run(tx['exclusive']!),
    });
  } as typeof sqlite.transaction;
  try {
    fn(db as unknown as Db);
  } finally {
    sqlite.transaction = original;
  }
  return transactions;
}

/** The same statements with the same parameters, one better-sqlite3 transaction per group. */
export function replayTransactions(
  sqlite: Database.Database,
  transactions: CapturedStatement[][],
): void {
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let s = prepared.get(sql);
    if (!s) prepared.set(sql, (s = sqlite.prepare(sql)));
    return s;
  };
  const runAll = sqlite.transaction((statements: CapturedStatement[]) => {
    for (const s of statements) statement(s.sql).run(...(s.params as unknown[]));
  });
  for (const statements of transactions) runAll(statements);
}

/** Bytes of parameters written per transaction, on average. */
export function bytesPerTransaction(transactions: CapturedStatement[][]): number {
  let bytes = 0;
  for (const t of transactions)
    for (const s of t)
      for (const p of s.params) bytes += typeof p === 'string' ? Buffer.byteLength(p) : 8;
  return bytes / transactions.length;
}
