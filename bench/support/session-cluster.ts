// A real server and n real participant agents (`runParticipant`, with keystores on disk) in this
// process, plus a coordinator client: what the session suites drive end to end over loopback.
import fs from 'node:fs';
import path from 'node:path';
import { followSession, startKeygen, startSign } from '../../client/coordinator/index.js';
import {
  runParticipant,
  type AgentEvent,
  type ParticipantHandle,
} from '../../client/participant/index.js';
import { closeClient, createClient, type SigSocketClient } from '../../client/trpc.js';
import { startTestServer, type TestServer } from '../../harness/server.js';
import { tempDir } from '../../harness/temp-dir.js';
import { BENCH_CONFIG_LIMITS } from './server-process.js';
import { randomSecretKey } from '../../protocol/ecdsa/sign.js';
import { verifySignature, type Scheme } from '../../protocol/frost/index.js';

export interface SessionCluster {
  server: TestServer;
  coordinator: SigSocketClient;
  names: string[];
  /** Errors the agents reported (a healthy run has none). */
  agentErrors: string[];
  close(): Promise<void>;
}

export interface ClusterOptions {
  /** Server settings besides the bench's own (e.g. a larger `maxTrpcMessageBytes`). */
  config?: Record<string, string | number>;
  /** The client agent `name` uses (e.g. one that meters its submissions). */
  wrapClient?(name: string, client: SigSocketClient): SigSocketClient;
  onAgentEvent?(name: string, event: AgentEvent): void;
}

/** Starts the server (no deadlines in the way) and n registered, subscribed agents p1..pn. */
export async function startSessionCluster(
  n: number,
  options: ClusterOptions = {},
): Promise<SessionCluster> {
  const server = await startTestServer({
    roundTimeoutMs: 3_600_000,
    inviteTimeoutMs: 3_600_000,
    ...BENCH_CONFIG_LIMITS, // sessions created as fast as they go, from one coordinator
    ...options.config,
  });
  const keystores = tempDir('sigsocket-bench-agents-');
  const clients: SigSocketClient[] = [];
  const agents: ParticipantHandle[] = [];
  const agentErrors: string[] = [];
  const client = async (sub: string, role: 'participant' | 'coordinator') => {
    const c = createClient({ url: server.url, token: await server.token(sub, role, '12h') });
    clients.push(c);
    return c;
  };
  const close = async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await Promise.all(clients.map(closeClient));
    await server.close();
    fs.rmSync(keystores, { recursive: true, force: true });
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  };
  try {
    const names = Array.from({ length: n }, (_, k) => `p${k + 1}`);
    for (const name of names) {
      const own = await client(name, 'participant');
      agents.push(
        runParticipant({
          client: options.wrapClient?.(name, own) ?? own,
          name,
          identitySecretKey: randomSecretKey(),
          keystoreDir: path.join(keystores, name),
          onEvent: (e) => {
            options.onAgentEvent?.(name, e);
            if (e.type === 'error') agentErrors.push(`${name}: ${e.message}`);
          },
        }),
      );
    }
    await Promise.all(agents.map((a) => a.ready));
    return { server, coordinator: await client('bench', 'coordinator'), names, agentErrors, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface SessionTimes {
  keygenMs: number;
  signMs: number;
}

export interface Key {
  keyId: string;
  groupPublicKey: string;
}

/** A t-of-n keygen among all agents, as a coordinator runs it (create, follow to the end). */
export async function keygen(cluster: SessionCluster, scheme: Scheme, t: number): Promise<Key> {
  const { coordinator, names } = cluster;
  const created = await startKeygen(coordinator, { threshold: t, participants: names, scheme });
  const done = await followSession(coordinator, created.session.id);
  return done.result as unknown as Key;
}

/** A signing by the first t agents; the signature (hex). */
export async function sign(
  cluster: SessionCluster,
  key: Key,
  t: number,
  message: string,
): Promise<string> {
  const { coordinator, names } = cluster;
  const participants = names.slice(0, t);
  const created = await startSign(coordinator, { keyId: key.keyId, message, participants });
  const done = await followSession(coordinator, created.session.id);
  return (done.result as { signature: string }).signature;
}

/** The signature verifies under the group key (checked here, as a user of it would). */
export function checkSignature(scheme: Scheme, key: Key, message: string, signature: string): void {
  if (!verifySignature(scheme, key.groupPublicKey, message, signature)) {
    throw new Error(`the signature under ${key.keyId} does not verify`);
  }
}

/** One keygen then one signing with the new key; the time of each. */
export async function keygenAndSign(
  cluster: SessionCluster,
  scheme: Scheme,
  t: number,
  message: string,
): Promise<SessionTimes & { key: Key }> {
  const t0 = performance.now();
  const key = await keygen(cluster, scheme, t);
  const t1 = performance.now();
  const signature = await sign(cluster, key, t, message);
  const t2 = performance.now();
  checkSignature(scheme, key, message, signature);
  return { keygenMs: t1 - t0, signMs: t2 - t1, key };
}
