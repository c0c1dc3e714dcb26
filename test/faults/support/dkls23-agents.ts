// DKLs23 crash tests with real agents: each agent (in-process, or the `sigsocket participant`
// process) reaches the server through a CrashProxy of its own, so a test can hold it in a
// known phase with its memory intact (cut off right after it acted) and let it back. And what
// the tests read afterwards from the SQLite file and the keystores: acknowledged submissions,
// restarts, every signer's broadcast R per attempt, the records a signing leaves.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AgentEvent } from '../../../client/participant/index.js';
import { loadOrCreateKeyFile } from '../../../client/key-file.js';
import { Keystore, RECORD_KINDS } from '../../../client/participant/keystore.js';
import { z } from 'zod';
import { AgentPool, type Agent } from '../../agents/support.js';
import type { TokenSource } from '../../support/sessions.js';
import { CrashableParticipant } from './crash-participant.js';
import { CrashProxy } from './crash-proxy.js';

/** A server the agents and proxies can reach: its fixed port, its data dir, its tokens. */
export interface ProxiedServer extends TokenSource {
  port: number;
  dataDir: string;
}

export interface ProxiedAgent {
  agent: Agent;
  proxy: CrashProxy;
  pool: AgentPool;
}

/** An in-process agent behind a proxy of its own, started and ready. */
export async function proxiedAgent(server: ProxiedServer, name: string): Promise<ProxiedAgent> {
  const proxy = await CrashProxy.start(server.port);
  const pool = new AgentPool({
    url: proxy.url,
    dataDir: server.dataDir,
    token: (sub, role, ttl) => server.token(sub, role, ttl),
  });
  return { agent: await pool.agent(name), proxy, pool };
}

/** The `sigsocket participant` process behind a proxy of its own, started and ready. */
export async function proxiedProcess(
  server: ProxiedServer,
  name: string,
): Promise<{ participant: CrashableParticipant; proxy: CrashProxy }> {
  const proxy = await CrashProxy.start(server.port);
  const participant = await CrashableParticipant.start(name, {
    url: proxy.url,
    token: (sub, role, ttl) => server.token(sub, role, ttl),
  });
  return { participant, proxy };
}

/**
 * Cuts `held` off the network right after it reports the first event `match` accepts (its
 * memory stays: it is held, not crashed). Resolves once the cut is in place.
 */
export function cutAfter(held: ProxiedAgent, match: (e: AgentEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const previous = held.agent.hooks.onEvent;
    held.agent.hooks.onEvent = (event, self) => {
      previous?.(event, self);
      if (!match(event)) return;
      held.agent.hooks.onEvent = previous;
      held.proxy.cut();
      resolve();
    };
  });
}

export const answered = (sessionId: string) => (e: AgentEvent) =>
  e.type === 'answered' && e.sessionId === sessionId;

export const submittedKind = (sessionId: string, kind: string) => (e: AgentEvent) =>
  e.type === 'submitted' && e.sessionId === sessionId && e.kind === kind;

function readOnly<T>(dataDir: string, read: (sqlite: Database.Database) => T): T {
  const sqlite = new Database(path.join(dataDir, 'sigsocket.db'), { readonly: true });
  try {
    return read(sqlite);
  } finally {
    sqlite.close();
  }
}

interface StoredEvent {
  id: number;
  type: string;
  recipient: string | null;
  payload: Record<string, unknown>;
}

/** The stored events of a session (of `type` if given), in id order. */
export function storedEvents(dataDir: string, sessionId: string, type?: string): StoredEvent[] {
  return readOnly(dataDir, (sqlite) =>
    sqlite
      .prepare<[string, string | null, string | null], StoredEvent & { payload: string }>(
        `select id, type, recipient, payload from session_events
         where session_id = ? and (? is null or type = ?) order by id`,
      )
      .all(sessionId, type ?? null, type ?? null)
      .map((row) => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> })),
  );
}

/** `participant:phase` of every submission the server stored for the session. */
export function storedSubmissions(dataDir: string, sessionId: string): Set<string> {
  return new Set(
    storedEvents(dataDir, sessionId, 'submitted').map(
      (e) => `${String(e.payload['participant'])}:${String(e.payload['phase'])}`,
    ),
  );
}

const PHASE_OF_KIND: Record<string, string> = {
  dkls23_keygen_round1: 'round1',
  dkls23_keygen_round2: 'round2',
  dkls23_confirm: 'confirming',
  dkls23_sign_round1: 'round1',
  dkls23_sign_round2: 'round2',
  dkls23_sign_round3: 'round3',
};

/** `name:phase` of every round submission the agents saw acknowledged for the session. */
export function acknowledged(agents: Agent[], sessionId: string): string[] {
  return agents.flatMap((a) =>
    a.events.flatMap((e) =>
      e.type === 'submitted' && e.sessionId === sessionId && PHASE_OF_KIND[e.kind]
        ? [`${a.name}:${PHASE_OF_KIND[e.kind]}`]
        : [],
    ),
  );
}

/** Ids of every dkls23-sign session the server stored. */
export function dklsSignSessions(dataDir: string): string[] {
  return readOnly(dataDir, (sqlite) =>
    sqlite
      .prepare<[], { id: string }>("select id from sessions where kind = 'dkls23-sign'")
      .all()
      .map((r) => r.id),
  );
}

/** Every signer's broadcast R of every attempt of every DKLs23 signing, from the round-2 relays. */
export function broadcastNonces(
  dataDir: string,
): Array<{ sessionId: string; attempt: number; signer: string; R: string }> {
  const seen = new Map<string, { sessionId: string; attempt: number; signer: string; R: string }>();
  for (const sessionId of dklsSignSessions(dataDir)) {
    for (const relay of storedEvents(dataDir, sessionId, 'dkls23_sign_round2')) {
      const attempt = Number(relay.payload['attempt']);
      const broadcasts = relay.payload['broadcasts'] as Array<{
        name: string;
        broadcast: { R: string };
      }>;
      for (const { name, broadcast } of broadcasts) {
        const key = `${sessionId}/${attempt}/${name}`;
        const R = broadcast.R.toLowerCase();
        const earlier = seen.get(key);
        // Every recipient's relay of one attempt carries the same broadcasts.
        if (earlier && earlier.R !== R) throw new Error(`${key}: two different R relayed`);
        seen.set(key, { sessionId, attempt, signer: name, R });
      }
    }
  }
  return [...seen.values()];
}

/** The identity secret key of a keystore: the agent's, or the process's key file beside it. */
export type KeystoreOwner = { keystoreDir: string; secretKey: Uint8Array };

export function processOwner(participant: CrashableParticipant): KeystoreOwner {
  const keyFile = path.join(path.dirname(participant.keystoreDir), 'identity.key');
  return {
    keystoreDir: participant.keystoreDir,
    secretKey: loadOrCreateKeyFile(keyFile).secretKey,
  };
}

/** Record kinds on disk: the directories of the keystore. */
export function kindsOnDisk(keystoreDir: string): string[] {
  return fs
    .readdirSync(keystoreDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
}

/** File names of the records of one kind. */
export function recordIds(keystoreDir: string, kind: string): string[] {
  const dir = path.join(keystoreDir, kind);
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** Every record (`kind/id`) the keystore holds for `sessionId`, of any kind. */
export function recordsOf(keystoreDir: string, sessionId: string): string[] {
  return RECORD_KINDS.flatMap((kind) => {
    const dir = path.join(keystoreDir, kind);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f === `${sessionId}.sealed` || f.startsWith(`${sessionId}@`))
      .map((f) => `${kind}/${f}`);
  });
}

/** The fields of the session record a keystore holds for a signing (opened with its key). */
export function signRecordFields(owner: KeystoreOwner, sessionId: string): string[] | undefined {
  const keystore = Keystore.open(owner.keystoreDir, owner.secretKey);
  const record = keystore.read('session', sessionId, z.looseObject({ kind: z.literal('sign') }));
  return record ? Object.keys(record).sort() : undefined;
}
