// Real session runtimes on real SQLite files for the group-commit tests: keygen sessions of
// three participants, created and answered through server/sessions/runtime.ts as the service
// does it (no crypto: answers are all these tests need).
import fs from 'node:fs';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { openDatabaseFile, type OpenedDatabase } from '../../../db/open.js';
import {
  DEFAULT_TIMEOUTS,
  type AnySessionEvent,
  type KeygenInput,
} from '../../../machines/index.js';
import { randomSecretKey, publicKeyOf } from '../../../protocol/ecdsa/sign.js';
import { bytesToHex } from '../../../protocol/encoding.js';
import { tempDir } from '../../../harness/temp-dir.js';
import type { SessionView } from '../../../protocol/session-view.js';
import type { Queryable } from '../../../db/queryable.js';
import { EventBus } from '../../../server/sessions/bus.js';
import { ProtocolRegistry } from '../../../server/sessions/protocols.js';
import { SessionRuntime } from '../../../server/sessions/runtime.js';

export const MEMBERS = ['p1', 'p2', 'p3'] as const;
const COORDINATOR = 'coord';
const protocols = new ProtocolRegistry();
const members = MEMBERS.map((name, k) => ({
  name,
  index: k + 1,
  identityKey: bytesToHex(publicKeyOf(randomSecretKey())),
}));

export interface RuntimeOnFile {
  opened: OpenedDatabase;
  runtime: SessionRuntime;
  bus: EventBus;
  close(): void;
}

export interface RuntimeOptions {
  logger?: Logger;
  /** Transitions per group commit at most (the runtime's default otherwise). */
  maxCommitBatch?: number;
}

export function runtimeOn(file: string, options: RuntimeOptions = {}): RuntimeOnFile {
  const opened = openDatabaseFile(file);
  const bus = new EventBus();
  const runtime = new SessionRuntime({
    db: opened.db,
    logger: options.logger ?? pino({ level: 'silent' }),
    ...(options.maxCommitBatch ? { maxCommitBatch: options.maxCommitBatch } : {}),
    bus,
    protocols,
    network: 'bc',
    clock: Date.now,
  });
  return {
    opened,
    runtime,
    bus,
    close() {
      runtime.close();
      opened.close();
    },
  };
}

/** A keygen inviting p1, p2 and p3; resolves once committed (queued like any transition). */
export function createKeygen(
  runtime: SessionRuntime,
  sessionId: string,
  timeouts = DEFAULT_TIMEOUTS,
): Promise<SessionView> {
  const at = Date.now();
  const input: KeygenInput = {
    sessionId,
    coordinator: COORDINATOR,
    scheme: 'frost-secp256k1',
    threshold: 2,
    timeouts,
    at,
    label: null,
    participants: members,
  };
  const row = {
    label: null,
    keyId: null,
    message: null,
    requestHash: sessionId,
    participants: [...MEMBERS],
  };
  const audit = { actor: COORDINATOR, role: 'coordinator', action: 'keygen.create', outcome: 'ok' };
  return runtime.create(protocols.get('keygen'), input, row, [{ ...audit, sessionId, at }]);
}

/** `participant` accepts the invitation of `sessionId`; resolves once that is committed. */
export function accept(
  runtime: SessionRuntime,
  sessionId: string,
  participant: string,
  write?: (tx: Queryable) => void,
): Promise<SessionView> {
  const live = runtime.get(sessionId);
  if (!live) return Promise.reject(new Error(`${sessionId} is not running`));
  const at = Date.now();
  const event: AnySessionEvent = { type: 'RESPOND', participant, accept: true, at };
  return runtime.apply(live, {
    event,
    audit: [
      {
        actor: participant,
        role: 'participant',
        action: 'session.respond',
        outcome: 'accepted',
        sessionId,
        at,
      },
    ],
    write,
  });
}

/** The invitation statuses of `id` as stored (its snapshot column). */
export function storedStatus(r: RuntimeOnFile, id: string): Record<string, string> {
  const row = r.opened.sqlite.prepare('select snapshot from sessions where id = ?').get(id) as {
    snapshot: string;
  };
  return (JSON.parse(row.snapshot) as { context: { status: Record<string, string> } }).context
    .status;
}

/** The `n` of a `select count(*) as n …` query. */
export function countOf(r: RuntimeOnFile, query: string, ...params: unknown[]): number {
  return (r.opened.sqlite.prepare(query).get(...params) as { n: number }).n;
}

/** Temp database files and the runtimes opened on them; `cleanup` (afterEach) removes them. */
export function runtimeFiles() {
  const dirs: string[] = [];
  const opened: RuntimeOnFile[] = [];
  const file = () => {
    const dir = tempDir('sigsocket-group-commit-');
    dirs.push(dir);
    return path.join(dir, 'sigsocket.db');
  };
  return {
    file,
    open(at = file(), options?: RuntimeOptions): RuntimeOnFile {
      const r = runtimeOn(at, options);
      opened.push(r);
      return r;
    },
    cleanup() {
      for (const r of opened.splice(0)) r.close();
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Keygens `ids`, created in one group commit. */
export async function createKeygens(runtime: SessionRuntime, ids: readonly string[]) {
  return Promise.all(ids.map((id) => createKeygen(runtime, id)));
}
