// Real participant agents around a real test server, and what each of them saw.
import path from 'node:path';
import { schnorr, secp256k1, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import {
  runParticipant,
  type AgentEvent,
  type Approve,
  type ParticipantHandle,
} from '../../client/participant/index.js';
import { followSession, startKeygen } from '../../client/coordinator/index.js';
import { closeClient, createClient, type SigSocketClient } from '../../client/trpc.js';
import { openDatabaseReadOnly } from '../../db/read-only.js';
import { inboxEventsAfter } from '../../db/session-events.js';
import type { Scheme } from '../../protocol/frost/schemes.js';
import type { SessionView } from '../../protocol/session-view.js';
import type { ThresholdScheme } from '../../protocol/threshold-schemes.js';
import { tempDir, type TestServer } from '../support/server.js';

import { waitFor as poll } from '../support/signing.js';

/** Polls until `check` holds; generous, since agents' rounds take a while on a loaded machine. */
export const waitFor = (check: () => boolean | Promise<boolean>, what: string, limitMs = 60_000) =>
  poll(check, what, limitMs);

/** What the agents need of a server: an in-process TestServer, or one run as a child process. */
export type AgentServer = Pick<TestServer, 'url' | 'token' | 'dataDir'>;

export interface AgentHooks {
  approve?: Approve;
  /** Called with every event the agent reports (after it is recorded). */
  onEvent?: (event: AgentEvent, agent: Agent) => void;
}

export interface Agent {
  name: string;
  secretKey: Uint8Array;
  keystoreDir: string;
  /** Every event the agent reported, across restarts. */
  events: AgentEvent[];
  /** Ids of the inbox events it handled, in order, across restarts. */
  handled: number[];
  hooks: AgentHooks;
  handle: ParticipantHandle;
  /** The client of the current run (its WebSocket carries the inbox). */
  client: SigSocketClient;
  /** (Re)starts the agent with the same identity key and keystore; resolves when ready. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Test servers, agents and clients; `cleanup()` stops and closes them all (use in afterEach). */
export class AgentPool {
  readonly agents: Agent[] = [];
  private readonly clients: SigSocketClient[] = [];

  constructor(public server: AgentServer) {}

  async client(
    sub: string,
    role: 'coordinator' | 'participant' | 'admin',
  ): Promise<SigSocketClient> {
    const client = createClient({
      url: this.server.url,
      token: await this.server.token(sub, role, '2h'),
    });
    this.clients.push(client);
    return client;
  }

  /** An agent named `name` with a fresh identity key and keystore, started and ready. */
  async agent(name: string, hooks: AgentHooks = {}): Promise<Agent> {
    const agent: Agent = {
      name,
      secretKey: secp256k1.utils.randomSecretKey(),
      keystoreDir: path.join(tempDir('sigsocket-agent-'), 'keystore'),
      events: [],
      handled: [],
      hooks,
      handle: undefined as unknown as ParticipantHandle,
      client: undefined as unknown as SigSocketClient,
      start: async () => {
        agent.client = await this.client(name, 'participant');
        agent.handle = runParticipant({
          client: agent.client,
          identitySecretKey: agent.secretKey,
          keystoreDir: agent.keystoreDir,
          approve: (invite) => agent.hooks.approve?.(invite) ?? true,
          onEvent: (e) => {
            agent.events.push(e);
            if (e.type === 'event') agent.handled.push(e.event.id);
            agent.hooks.onEvent?.(e, agent);
          },
        });
        await agent.handle.ready;
      },
      stop: () => agent.handle.stop(),
    };
    await agent.start();
    this.agents.push(agent);
    return agent;
  }

  agentsNamed(names: string[], hooks: AgentHooks = {}): Promise<Agent[]> {
    return Promise.all(names.map((n) => this.agent(n, hooks)));
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.agents.splice(0).map((a) => a.stop()));
    await Promise.all(this.clients.splice(0).map(closeClient));
  }
}

/** Ids of every event the server has for `participant`'s inbox (read from the SQLite file). */
export function inboxIds(server: Pick<AgentServer, 'dataDir'>, participant: string): number[] {
  const opened = openDatabaseReadOnly(path.join(server.dataDir, 'sigsocket.db'));
  try {
    return inboxEventsAfter(opened.db, { participant, afterId: 0, limit: 10_000 }).map((e) => e.id);
  } finally {
    opened.close();
  }
}

/** The agent handled every event of its inbox exactly once, in order. */
export function handledExactlyOnce(
  server: Pick<AgentServer, 'dataDir'>,
  agent: Agent,
): { handled: number[]; inbox: number[]; duplicates: number } {
  return {
    handled: agent.handled,
    inbox: inboxIds(server, agent.name),
    duplicates: agent.events.filter((e) => e.type === 'duplicate').length,
  };
}

/** The final signature verifies under the key with noble (BIP340 `schnorr.verify` for Taproot). */
export function signatureVerifies(
  scheme: Scheme,
  groupPublicKey: string,
  message: string,
  signature: string,
): boolean {
  const [sig, msg, key] = [signature, message, groupPublicKey].map((h) => Buffer.from(h, 'hex'));
  if (scheme === 'frost-secp256k1-tr') return schnorr.verify(sig!, msg!, key!.subarray(1));
  return secp256k1_FROST.verify(sig!, msg!, key!);
}

export function resultOf(view: SessionView): Record<string, string> {
  return view.result as Record<string, string>;
}

export const hexOf = (text: string) => Buffer.from(text).toString('hex');

/** The handled-event ids of type `type` for `sessionId`. */
export function handledOfType(agent: Agent, sessionId: string, type: string): number {
  return agent.events.filter(
    (e) => e.type === 'event' && e.event.sessionId === sessionId && e.event.type === type,
  ).length;
}

/** A completed keygen among running agents; returns the key. */
export async function completedKeygen(
  coordinator: SigSocketClient,
  participants: string[],
  threshold: number,
  scheme: ThresholdScheme = 'frost-secp256k1',
): Promise<{ keyId: string; groupPublicKey: string; view: SessionView }> {
  const { session } = await startKeygen(coordinator, { threshold, participants, scheme });
  const view = await followSession(coordinator, session.id);
  const { keyId, groupPublicKey } = resultOf(view);
  return { keyId: keyId!, groupPublicKey: groupPublicKey!, view };
}
