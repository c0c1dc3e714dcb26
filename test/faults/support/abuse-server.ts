/**
 * A `sigsocket serve` child process for the abuse tests: it must survive whatever they send,
 * so it runs apart from the test worker (a crash or an unhandled rejection — fatal in Node 20 —
 * ends that process, not the test), and its state and heap are read from outside: row counts
 * from its SQLite file, the heap through the inspector after a full garbage collection.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { issueToken } from '../../../server/auth/jwt.js';
import { loadOrCreateSecret } from '../../../server/auth/secret.js';
import type { Role } from '../../../protocol/identity.js';
import { spawnServe, type ServeProcess } from '../../support/cli.js';
import { tempDir } from '../../support/server.js';
import { waitFor } from '../../support/signing.js';

/** The tables whose rows only a legitimate request may add (audit_log records refusals too). */
export const STATE_TABLES = [
  'sessions',
  'session_events',
  'keys',
  'escrows',
  'participants',
  'nonce_commitments',
] as const;

export type RowCounts = Record<(typeof STATE_TABLES)[number], number>;

/** Lines of the server's output that tell of a crash or a bug (pino error/fatal, Node). */
const TROUBLE = /unhandled|uncaught|"level":(50|60)|FATAL ERROR|heap out of memory/i;

export interface ChildServer {
  url: string;
  wsUrl: string;
  dataDir: string;
  process: ServeProcess;
  token(sub: string, role: Role, ttl?: string): Promise<string>;
  /** Rows per state table, read from the database file. */
  counts(): RowCounts;
  /** Rows of audit_log (refusals are audited by design). */
  auditRows(): number;
  /** Fails unless the process still runs, answers /healthz and printed nothing alarming. */
  expectHealthy(): Promise<void>;
  /** V8 heap in use, and memory held outside it (buffers), after a full garbage collection. */
  memoryAfterGc(): Promise<{ heapUsed: number; external: number }>;
  close(): Promise<void>;
}

/** Minimal Chrome DevTools protocol session over the inspector's WebSocket. */
class Inspector {
  private nextId = 0;
  private readonly waiting = new Map<number, (result: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (msg.id !== undefined) this.waiting.get(msg.id)?.(msg.result);
      if (msg.id !== undefined) this.waiting.delete(msg.id);
    });
  }

  static async open(url: string): Promise<Inspector> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new Inspector(ws);
  }

  call(method: string, params: object = {}): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * Starts `sigsocket serve` with `args`. The inspector is not listening: SIGUSR1 opens it on a
 * free port (`--inspect-port=127.0.0.1:0`) the first time the heap is read.
 */
export async function startChildServer(args: string[] = []): Promise<ChildServer> {
  const dataDir = tempDir('sigsocket-abuse-');
  const secret = loadOrCreateSecret(dataDir);
  const nodeOptions = `${process.env['NODE_OPTIONS'] ?? ''} --inspect-port=127.0.0.1:0`.trim();
  const serve = await spawnServe(['--data-dir', dataDir, ...args], {
    env: { NODE_OPTIONS: nodeOptions },
  });
  const dbFile = path.join(dataDir, 'sigsocket.db');
  const read = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  const count = (db: Database.Database, table: string) =>
    (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  let inspector: Inspector | undefined;

  return {
    url: serve.url,
    wsUrl: serve.url.replace(/^http/, 'ws'),
    dataDir,
    process: serve,
    token: (sub, role, ttl = '1h') => issueToken(secret, { sub, role, ttl }),
    counts: () =>
      read((db) => Object.fromEntries(STATE_TABLES.map((t) => [t, count(db, t)])) as RowCounts),
    auditRows: () => read((db) => count(db, 'audit_log')),
    async expectHealthy() {
      expect(serve.child.exitCode, serve.output().slice(-2000)).toBeNull();
      const health = await fetch(`${serve.url}/healthz`);
      expect(health.status).toBe(200);
      expect(
        serve
          .output()
          .split('\n')
          .filter((line) => TROUBLE.test(line)),
      ).toEqual([]);
    },
    async memoryAfterGc() {
      if (!inspector) {
        serve.child.kill('SIGUSR1');
        let url: string | undefined;
        await waitFor(() => {
          url = /Debugger listening on (ws:\/\/\S+)/.exec(serve.output())?.[1];
          return url !== undefined;
        }, 'the inspector');
        inspector = await Inspector.open(url!);
      }
      await inspector.call('HeapProfiler.collectGarbage');
      const evaluated = (await inspector.call('Runtime.evaluate', {
        expression: '(({ heapUsed, external }) => ({ heapUsed, external }))(process.memoryUsage())',
        returnByValue: true,
      })) as { result: { value: { heapUsed: number; external: number } } };
      return evaluated.result.value;
    },
    async close() {
      inspector?.close();
      serve.child.kill('SIGTERM');
      await serve.exited;
    },
  };
}
