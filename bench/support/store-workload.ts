// The persistence suite's workload: keygen sessions driven through the real session runtime
// (server/sessions/runtime.ts: XState transition, snapshot, events and audit rows, committed
// in groups: server/sessions/commit-queue.ts), with real DKG round-1 packages and
// ciphertext-sized round-2 shares. The crypto checks, which run before a transition, are left
// out (it is the store being measured): each session is created, answered, runs rounds 1 and
// 2, and is aborted — 11 transitions. Sessions run one at a time (each transition its own
// commit) or `concurrency` at a time (their transitions share commits).
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { pino } from 'pino';
import type { Db } from '../../db/open.js';
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

export function storeRuntime(db: Db, maxCommitBatch?: number): SessionRuntime {
  return new SessionRuntime({
    db,
    logger: pino({ level: 'silent' }),
    bus: new EventBus(),
    protocols: new ProtocolRegistry(),
    network: 'bc',
    clock: Date.now,
    ...(maxCommitBatch !== undefined ? { maxCommitBatch } : {}),
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

/**
 * Runs `count` workload sessions through `runtime`, `concurrency` at a time (each awaits its
 * own transitions; those of different sessions queued in one tick share a commit); returns the
 * number of transitions.
 */
export async function driveSessions(
  runtime: SessionRuntime,
  fixture: ReturnType<typeof workloadFixture>,
  count: number,
  prefix: string,
  concurrency = 1,
): Promise<number> {
  let transitions = 0;
  const worker = async (first: number) => {
    for (let k = first; k < count; k += concurrency) {
      transitions += await driveSession(runtime, fixture, `${prefix}-${k}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, (_, w) => worker(w)));
  return transitions;
}

async function driveSession(
  runtime: SessionRuntime,
  fixture: ReturnType<typeof workloadFixture>,
  sessionId: string,
): Promise<number> {
  const { participants, round1 } = fixture;
  const names = participants.map((p) => p.name);
  let transitions = 0;
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
  await runtime.create(
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
  const step = async (
    event: AnySessionEvent,
    actor: string,
    action: string,
    detail: Record<string, unknown>,
  ) => {
    await runtime.apply(runtime.get(sessionId)!, {
      event,
      audit: audit(actor, action, detail),
    });
    transitions++;
  };
  for (const p of participants)
    await step(
      { type: 'RESPOND', participant: p.name, accept: true, at },
      p.name,
      'session.respond',
      { accept: true, reason: null },
    );
  for (const p of participants) {
    await step(
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
    await step({ type: 'ROUND2', participant: p.name, shares, at }, p.name, 'session.submit', {
      kind: 'round2',
    });
  }
  await step(
    { type: 'ABORT', by: COORDINATOR, reason: 'benchmark', at },
    COORDINATOR,
    'session.abort',
    { reason: 'benchmark' },
  );
  return transitions;
}

/** better-sqlite3's own transaction statements, run by `sqlite.transaction` itself. */
const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

export interface CapturedStatement {
  sql: string;
  params: unknown[];
}

/**
 * Runs `fn` while recording every statement run on `sqlite` inside a transaction (the writes of
 * each transition or group commit: Drizzle's and the runtime's prepared ones alike), grouped by
 * outermost transaction (savepoints are not statements of ours and are not recorded).
 */
export async function captureTransactions(
  sqlite: Database.Database,
  fn: () => Promise<void>,
): Promise<CapturedStatement[][]> {
  const transactions: CapturedStatement[][] = [];
  let current: CapturedStatement[] | undefined;
  let depth = 0;
  const original = sqlite.transaction;
  sqlite.transaction = function (this: Database.Database, body: never) {
    const tx = original.call(this, body) as unknown as Record<string, (...a: never[]) => unknown>;
    const run =
      (variant: (...a: never[]) => unknown) =>
      (...args: never[]) => {
        if (depth++ === 0) current = [];
        try {
          return variant(...args);
        } finally {
          if (--depth === 0) {
            transactions.push(current!);
            current = undefined;
          }
        }
      };
    return Object.assign(run(tx as never), {
      deferred: run(tx['deferred']!),
      immediate: run(tx['immediate']!),
      exclusive: run(tx['exclusive']!),
    });
  } as typeof sqlite.transaction;
  type Method = (this: Database.Statement, ...params: unknown[]) => unknown;
  const proto = Object.getPrototypeOf(sqlite.prepare('select 1')) as Record<string, Method>;
  const methods = ['run', 'get', 'all'] as const;
  const originals = methods.map((m) => proto[m]!);
  methods.forEach((m, i) => {
    proto[m] = function (this: Database.Statement, ...params: unknown[]) {
      if (current && this.database === sqlite && !CONTROL.test(this.source))
        current.push({ sql: this.source, params });
      return originals[i]!.apply(this, params);
    };
  });
  try {
    await fn();
  } finally {
    sqlite.transaction = original;
    methods.forEach((m, i) => (proto[m] = originals[i]!));
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

/** The captured statements by what they write (the persistence suite's statement rows). */
export function statementCounts(transactions: CapturedStatement[][]) {
  const counts = {
    total: 0,
    sessionInserts: 0,
    sessionUpdates: 0,
    touchedOnly: 0,
    events: 0,
    audit: 0,
  };
  for (const t of transactions) {
    for (const { sql } of t) {
      counts.total++;
      const s = sql.replaceAll('"', '').toLowerCase();
      if (s.startsWith('update sessions set updated_at = ? where')) counts.touchedOnly++;
      else if (s.startsWith('update sessions')) counts.sessionUpdates++;
      else if (s.startsWith('insert into sessions ')) counts.sessionInserts++;
      else if (s.startsWith('insert into session_events')) counts.events++;
      else if (s.startsWith('insert into audit_log')) counts.audit++;
    }
  }
  return counts;
}
