// The end-to-end side of the ecdsa suite: a real server (with a larger tRPC message limit: a
// 14-of-20 DKLs23 signing submits ~1.4 MB in round 2) and n real participant agents in this
// process, a coordinator client, and the DKLs23 keygen and signing sessions as a coordinator
// runs them. FROST sessions run on the same cluster through bench/support/session-cluster.ts.
// Counts the JSON bytes agent p1 submits per session and round (what goes on the wire, hex and
// end-to-end encryption included).
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import { followSession, startKeygen, startSign } from '../client/coordinator/index.js';
import type { AgentEvent } from '../client/participant/index.js';
import { connectionProblem } from '../client/server-errors.js';
import type { SigSocketClient } from '../client/trpc.js';
import { startSessionCluster, type Key, type SessionCluster } from './support/session-cluster.js';

/** The server's `maxTrpcMessageBytes` here (default 1 MiB; a 14-of-20 signing round 2 is ~1.4 MB). */
export const BENCH_MAX_TRPC_MESSAGE_BYTES = 16 * 2 ** 20;

/** The agent whose submissions are counted. */
const METERED = 'p1';

export interface EcdsaCluster extends SessionCluster {
  /** JSON bytes of p1's accepted submissions in a session, by kind (e.g. `dkls23_sign_round2`). */
  submittedBytes(sessionId: string): Record<string, number>;
  /** p1's submission calls that failed (and were retried, or refused), with the error. */
  failedSubmissions: string[];
}

/** What `participant.submit` carried: its JSON size, and the error if the server did not take it. */
type SubmitCount = (sessionId: string, kind: string, bytes: number, error?: unknown) => void;

/** `client` with every `participant.submit` call counted, by session and kind. */
function metered(client: SigSocketClient, count: SubmitCount): SigSocketClient {
  const participant = client.participant;
  const submit = {
    mutate: async (input: Parameters<typeof participant.submit.mutate>[0]) => {
      const [sessionId, kind] = [input.sessionId, input.submission.kind];
      const bytes = Buffer.byteLength(JSON.stringify(input));
      try {
        const result = await participant.submit.mutate(input);
        count(sessionId, kind, bytes);
        return result;
      } catch (err) {
        count(sessionId, kind, bytes, err);
        throw err;
      }
    },
  };
  const wrapped = new Proxy(participant, {
    get: (target, prop) => (prop === 'submit' ? submit : Reflect.get(target, prop)),
  });
  return new Proxy(client, {
    get: (target, prop) => (prop === 'participant' ? wrapped : Reflect.get(target, prop)),
  });
}

/** The server (no deadlines in the way, the larger message limit) and n agents p1..pn. */
export async function startEcdsaCluster(
  n: number,
  onAgentEvent?: (name: string, event: AgentEvent) => void,
): Promise<EcdsaCluster> {
  const sent = new Map<string, Record<string, number>>();
  const failedSubmissions: string[] = [];
  const count: SubmitCount = (sessionId, kind, bytes, error) => {
    if (error !== undefined) {
      failedSubmissions.push(`${kind} (${bytes} bytes): ${connectionProblem(error)}`);
      return;
    }
    const bySession = sent.get(sessionId) ?? {};
    bySession[kind] = (bySession[kind] ?? 0) + bytes;
    sent.set(sessionId, bySession);
  };
  const cluster = await startSessionCluster(n, {
    config: { maxTrpcMessageBytes: String(BENCH_MAX_TRPC_MESSAGE_BYTES) },
    wrapClient: (name, client) => (name === METERED ? metered(client, count) : client),
    ...(onAgentEvent ? { onAgentEvent } : {}),
  });
  return {
    ...cluster,
    submittedBytes: (sessionId) => sent.get(sessionId) ?? {},
    failedSubmissions,
  };
}

/** A finished session: its id (for the byte counts) and what it took. */
export interface Timed<T> {
  sessionId: string;
  ms: number;
  value: T;
}

/** A t-of-n DKLs23 keygen among the given agents (default all), from create to completed. */
export async function dklsKeygen(
  cluster: SessionCluster,
  t: number,
  participants = cluster.names,
): Promise<Timed<Key>> {
  const t0 = performance.now();
  const { session } = await startKeygen(cluster.coordinator, {
    scheme: 'dkls23-secp256k1',
    threshold: t,
    participants,
  });
  const done = await followSession(cluster.coordinator, session.id);
  return {
    sessionId: session.id,
    ms: performance.now() - t0,
    value: done.result as unknown as Key,
  };
}

/**
 * A DKLs23 signing of a fresh 32-byte digest by the given t holders, from create to completed;
 * the signature is checked with `@noble/curves` under the group key (untimed).
 */
export async function dklsSign(
  cluster: SessionCluster,
  key: Key,
  signers: string[],
): Promise<Timed<string>> {
  const digest = randomBytes(32);
  const t0 = performance.now();
  const { session } = await startSign(cluster.coordinator, {
    keyId: key.keyId,
    digest: bytesToHex(digest),
    participants: signers,
  });
  const done = await followSession(cluster.coordinator, session.id);
  const ms = performance.now() - t0;
  const signature = (done.result as { signature: string }).signature;
  const pk = hexToBytes(key.groupPublicKey);
  if (!secp256k1.verify(hexToBytes(signature), digest, pk, { prehash: false })) {
    throw new Error(`the DKLs23 signature under ${key.keyId} does not verify`);
  }
  return { sessionId: session.id, ms, value: signature };
}
