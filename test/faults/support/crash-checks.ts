// What every crash test checks afterwards, read straight from the SQLite file: the file is
// sound, every subscriber saw exactly the stored events (none missing, none twice), and no
// nonce commitment was ever published twice. What they checked goes to the file's figures.
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { followSession, SessionEndedError } from '../../../client/coordinator/index.js';
import { readCommitmentLog } from '../../../client/participant/index.js';
import type { SigSocketClient } from '../../../client/trpc.js';
import { openDatabaseReadOnly } from '../../../db/read-only.js';
import { sessionEventsAfter } from '../../../db/session-events.js';
import type { SessionView } from '../../../protocol/session-view.js';
import { handledExactlyOnce, inboxIds, type Agent } from '../../agents/support.js';
import type { ScriptedParticipant } from '../../support/scripted-participant.js';
import { tally } from './crash-figures.js';

const dbFile = (dataDir: string) => path.join(dataDir, 'sigsocket.db');

function readOnly<T>(dataDir: string, read: (sqlite: Database.Database) => T): T {
  const sqlite = new Database(dbFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return read(sqlite);
  } finally {
    sqlite.close();
  }
}

/** `pragma integrity_check` of the data directory's database ('ok' when sound). */
export function integrity(dataDir: string): string {
  return readOnly(dataDir, (sqlite) =>
    (sqlite.pragma('integrity_check') as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .join('\n'),
  );
}

/** Each session's stored state as a kill left it (tallied for the figures). */
export function statesAtKill(dataDir: string, sessionIds: string[]): Record<string, string> {
  const rows = readOnly(dataDir, (sqlite) => {
    const get = sqlite.prepare<[string], { kind: string; state: string }>(
      'select kind, state from sessions where id = ?',
    );
    return sessionIds.map((id) => ({ id, row: get.get(id) }));
  });
  for (const { row } of rows) if (row) tally.stateAtKill(row.kind, row.state);
  return Object.fromEntries(rows.map(({ id, row }) => [id, row?.state ?? 'missing']));
}

/** A coordinator following a session with followSession, and the event ids it was given. */
export interface Followed {
  /** Ids of the events delivered after the first view, in order. */
  ids: number[];
  /** The first view's lastEventId (0 before any event): delivery starts after it. */
  after: number;
  /** The final view, whatever the end (completed or not). */
  ended: Promise<SessionView>;
}

export function follow(client: SigSocketClient, sessionId: string): Followed {
  const ids: number[] = [];
  let after = 0;
  const ended = followSession(client, sessionId, ({ view, event }) => {
    if (event) ids.push(event.id);
    else after = Number(view.lastEventId ?? 0);
  }).catch((err: unknown) => {
    if (err instanceof SessionEndedError) return err.session;
    throw err;
  });
  return {
    ids,
    get after() {
      return after;
    },
    ended,
  };
}

/**
 * `viewer` (session.watch) was given exactly the stored events of the session after the view
 * it started from, in order, none missing and none twice.
 */
export function expectWatchedExactly(
  dataDir: string,
  viewer: string,
  sessionId: string,
  watched: Pick<Followed, 'ids' | 'after'>,
): void {
  const opened = openDatabaseReadOnly(dbFile(dataDir));
  let stored: number[];
  try {
    stored = sessionEventsAfter(opened.db, {
      sessionId,
      viewer,
      afterId: watched.after,
      limit: 10_000,
    }).map((e) => e.id);
  } finally {
    opened.close();
  }
  const what = `${viewer} watching ${sessionId}: every stored event after ${watched.after} once, in order`;
  expect(watched.ids, what).toEqual(stored);
  tally.deliveries(dataDir, `watch:${viewer}`, watched.ids);
  tally.session();
}

/** A scripted participant received exactly its stored inbox, in order (across restarts). */
export function expectInboxExactly(dataDir: string, p: ScriptedParticipant): void {
  expect(p.eventIds(), `${p.name}'s inbox: every stored event once, in order`).toEqual(
    inboxIds({ dataDir }, p.name),
  );
  tally.deliveries(dataDir, `inbox:${p.name}`, p.eventIds());
}

/**
 * An agent handled exactly its stored inbox: each event once (sessions run concurrently, so
 * events of different sessions may finish out of id order), and none reported twice.
 */
export function expectHandledExactly(dataDir: string, agent: Agent): void {
  const seen = handledExactlyOnce({ dataDir }, agent);
  expect(seen.duplicates, `${agent.name} was sent no event twice`).toBe(0);
  expect(new Set(seen.handled).size, `${agent.name} handled no event twice`).toBe(
    seen.handled.length,
  );
  expect(
    [...seen.handled].sort((a, b) => a - b),
    `${agent.name} handled its inbox`,
  ).toEqual(seen.inbox);
  tally.deliveries(dataDir, `inbox:${agent.name}`, seen.handled);
}

/**
 * Nonce commitments are single use: no point appears twice in the participants' logs (across
 * their restarts and across participants), and every commitment the server accepted
 * (`nonce_commitments`) was logged by the participant it came from before it went out.
 */
export function expectNoncesSingleUse(dataDir: string, keystores: Record<string, string>): void {
  const logged = new Map<string, string>();
  for (const [name, dir] of Object.entries(keystores)) {
    for (const entry of readCommitmentLog(dir)) {
      for (const point of [entry.hiding, entry.binding]) {
        const key = point.toLowerCase();
        expect(logged.get(key), `commitment ${key} logged twice`).toBeUndefined();
        logged.set(key, name);
      }
    }
  }
  const published = readOnly(dataDir, (sqlite) =>
    sqlite
      .prepare<[], { commitment: string; participant: string }>(
        'select commitment, participant from nonce_commitments',
      )
      .all(),
  );
  for (const { commitment, participant } of published) {
    if (!(participant in keystores)) continue;
    expect(logged.get(commitment), `${participant} logged ${commitment}`).toBe(participant);
    tally.commitment(dataDir, commitment);
  }
}
