/**
 * Helpers for the session tests: a coordinator client, a set of registered scripted
 * participants, waiting for session states, reading typed error codes.
 */
import { TRPCClientError } from '@trpc/client';
import { expect } from 'vitest';
import { closeClient, createClient, type SigSocketClient } from '../../client/trpc.js';
import type { SessionView } from '../../protocol/session-view.js';
import type { Role } from '../../protocol/identity.js';
import { ScriptedParticipant, type Behaviour } from './scripted-participant.js';
import { waitFor } from './signing.js';

export interface TokenSource {
  url: string;
  token(sub: string, role: Role, ttl?: string): Promise<string>;
}

const opened: Array<{ close(): Promise<void> }> = [];

/** Closes every client and participant the helpers opened (call in afterEach). */
export async function closeAll(): Promise<void> {
  await Promise.all(opened.splice(0).map((c) => c.close()));
}

export async function clientFor(
  server: TokenSource,
  sub: string,
  role: Role,
): Promise<SigSocketClient> {
  const client = createClient({ url: server.url, token: await server.token(sub, role) });
  opened.push({ close: () => closeClient(client) });
  return client;
}

/** Registered, subscribed participants, honest unless a behaviour is given. */
export async function participants(
  server: TokenSource,
  names: readonly string[],
  behaviours: Record<string, Behaviour> = {},
): Promise<ScriptedParticipant[]> {
  return Promise.all(
    names.map(async (name) => {
      const token = await server.token(name, 'participant');
      const p = new ScriptedParticipant(name, {
        url: server.url,
        token,
        behaviour: behaviours[name] ?? {},
      });
      opened.push({ close: () => p.stop() });
      await p.register();
      p.start();
      return p;
    }),
  );
}

export const FINAL_STATES = ['completed', 'rejected', 'failed', 'timed_out', 'aborted'];

/** Polls session.get until the session is in one of `states` (default: any final state). */
export async function waitForState(
  client: SigSocketClient,
  sessionId: string,
  states: readonly string[] = FINAL_STATES,
  limitMs = 20_000,
): Promise<SessionView> {
  let view: SessionView | undefined;
  await waitFor(
    async () => {
      view = await client.session.get.query({ sessionId });
      return states.includes(view.state);
    },
    `session ${sessionId} in ${states.join('|')} (last: ${view?.state})`,
    limitMs,
  );
  return view!;
}

/** The appCode of the error a call fails with. */
export async function appCode(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail').toBeInstanceOf(TRPCClientError);
  return ((err as TRPCClientError<never>).data as { appCode?: string } | undefined)?.appCode;
}

/** The error a call fails with: tRPC code, app code and message. */
export async function failure(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail').toBeInstanceOf(TRPCClientError);
  const e = err as TRPCClientError<never>;
  const data = e.data as
    { code?: string; appCode?: string; details?: Record<string, unknown> } | undefined;
  return { code: data?.code, appCode: data?.appCode, details: data?.details, message: e.message };
}

/** Runs a keygen to completion and returns the session view. */
export async function completedKeygen(
  coordinator: SigSocketClient,
  input: Parameters<SigSocketClient['keygen']['create']['mutate']>[0],
): Promise<SessionView> {
  const { session } = await coordinator.keygen.create.mutate(input);
  const done = await waitForState(coordinator, session.id);
  expect(done.state, JSON.stringify(done.error)).toBe('completed');
  return done;
}

/** Collects session.watch deliveries for one session (as `client` sees them). */
export function watchSession(client: SigSocketClient, sessionId: string, lastEventId?: string) {
  const events: Array<{
    id: string;
    type: string;
    recipient: string | null;
    payload: Record<string, unknown>;
  }> = [];
  const sub = client.session.watch.subscribe(
    { sessionId, ...(lastEventId ? { lastEventId } : {}) },
    {
      onData: (tracked) => {
        const e = tracked.data;
        events.push({ id: tracked.id, type: e.type, recipient: e.recipient, payload: e.payload });
      },
    },
  );
  return { events, stop: () => sub.unsubscribe() };
}

/**
 * Waits until the session is in `state` and owes only `waitingFor` (everyone else acted): the
 * session cannot move until one of them does.
 */
export async function pinned(
  client: SigSocketClient,
  sessionId: string,
  state: string,
  waitingFor: string[],
  limitMs = 60_000,
): Promise<SessionView> {
  let view: SessionView | undefined;
  const check = async () => {
    view = await client.session.get.query({ sessionId });
    return view.state === state && view.waitingFor.join() === waitingFor.join();
  };
  try {
    await waitFor(check, `${sessionId} in ${state} waiting for ${waitingFor.join(', ')}`, limitMs);
  } catch (err) {
    const last = `${view?.state} waiting for ${view?.waitingFor.join(', ')}`;
    throw new Error(`${(err as Error).message} (last: ${last})`);
  }
  return view!;
}
