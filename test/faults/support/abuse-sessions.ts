/**
 * Helpers for the malicious-participant tests: submitting anything as a participant, expecting
 * a typed refusal that changed nothing (the session view, its events, the nonce log), and
 * reading what the server stored for a session (the material a replay attack would reuse).
 */
import { expect } from 'vitest';
import type { SigSocketClient } from '../../../client/trpc.js';
import type { SessionEvent } from '../../../protocol/sessions.js';
import type { ScriptedParticipant } from '../../support/scripted-participant.js';
import type { TestServer } from '../../support/server.js';
import { appCode } from '../../support/sessions.js';

/** Submits `submission` (well-formed or not) as `participant`. */
export function submitAs(participant: ScriptedParticipant, sessionId: string, submission: unknown) {
  return participant.api.participant.submit.mutate({ sessionId, submission } as never);
}

export interface Attempt {
  what: string;
  call: () => Promise<unknown>;
  /** The `data.appCode` the refusal must carry. */
  appCode: string;
}

function counts(server: TestServer, sessionId: string) {
  const one = (sql: string, ...args: unknown[]) =>
    (server.services.sqlite.prepare(sql).get(...args) as { n: number }).n;
  return {
    events: one('select count(*) as n from session_events where session_id = ?', sessionId),
    nonces: one('select count(*) as n from nonce_commitments'),
    keys: one('select count(*) as n from keys'),
  };
}

let refusals = 0;

/** How many refusals this test file has checked (for its figures line). */
export function refusalsChecked(): number {
  return refusals;
}

/** Each attempt is refused with its code; afterwards the session is exactly as before. */
export async function expectRefusedWithoutChange(
  server: TestServer,
  viewer: SigSocketClient,
  sessionId: string,
  attempts: Attempt[],
): Promise<void> {
  const view = await viewer.session.get.query({ sessionId });
  const stored = counts(server, sessionId);
  for (const attempt of attempts) {
    expect(await appCode(attempt.call()), attempt.what).toBe(attempt.appCode);
    refusals++;
  }
  expect(await viewer.session.get.query({ sessionId })).toEqual(view);
  expect(counts(server, sessionId)).toEqual(stored);
}

/** The machine context the server persisted for a session (its XState snapshot). */
export function storedContext(server: TestServer, sessionId: string): Record<string, any> {
  const row = server.services.sqlite
    .prepare('select snapshot from sessions where id = ?')
    .get(sessionId) as { snapshot: string };
  return (JSON.parse(row.snapshot) as { context: Record<string, any> }).context;
}

/** The events of `type` a participant received for a session. */
export function receivedOf(
  p: ScriptedParticipant,
  sessionId: string,
  type: string,
): SessionEvent[] {
  return p.received.filter((e) => e.sessionId === sessionId && e.type === type);
}
