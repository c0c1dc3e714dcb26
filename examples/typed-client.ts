// The typed client end to end: create a t-of-n key, watch the keygen, sign, verify.
//
//   SIGSOCKET_SERVER=http://127.0.0.1:8080 \
//   SIGSOCKET_TOKEN=$(npx sigsocket token --sub app --role coordinator) \
//   SIGSOCKET_PARTICIPANTS=alice,bob,carol SIGSOCKET_THRESHOLD=2 \
//   npx tsx examples/typed-client.ts
//
// with a server running (`npm start`) and one participant agent per name
// (`npx sigsocket participant --key-file alice.key --auto-approve --token <alice's token>`).
import { pathToFileURL } from 'node:url';
import {
  closeClient,
  createClient,
  followSession,
  isTerminalEventType,
  type SessionView,
  type SigSocketClient,
} from '../client/index.js';
import { verifySignature, type Scheme } from '../protocol/frost/index.js';

export interface ExampleOptions {
  server: string;
  /** A coordinator (or admin) token. */
  token: string;
  participants: string[];
  threshold: number;
  scheme?: Scheme;
  log?: (line: string) => void;
}

export interface ExampleResult {
  keyId: string;
  groupPublicKey: string;
  message: string;
  signature: string;
  verified: boolean;
}

/** Follows a session with `session.watch` (tracked events) until it ends; then reads it. */
function watchUntilEnd(
  client: SigSocketClient,
  sessionId: string,
  log: (line: string) => void,
): Promise<SessionView> {
  return new Promise((resolve, reject) => {
    const subscription = client.session.watch.subscribe(
      { sessionId },
      {
        onData: ({ id, data: event }) => {
          log(`${sessionId} event ${id}: ${event.type}`);
          if (!isTerminalEventType(event.type)) return;
          subscription.unsubscribe();
          client.session.get.query({ sessionId }).then(resolve, reject);
        },
        onError: reject,
      },
    );
  });
}

export async function main(opts: ExampleOptions): Promise<ExampleResult> {
  const { participants, threshold, scheme = 'frost-secp256k1', log = console.log } = opts;
  const client = createClient({ url: opts.server, token: opts.token });
  try {
    // 1. A distributed key generation among registered participants.
    const { session } = await client.keygen.create.mutate({ threshold, participants, scheme });
    const keygen = await watchUntilEnd(client, session.id, log);
    if (keygen.state !== 'completed' || !keygen.keyId) {
      throw new Error(`keygen ${keygen.id} ended ${keygen.state}: ${keygen.error?.message}`);
    }
    const key = await client.key.get.query({ keyId: keygen.keyId });
    log(`key ${key.id}: group key ${key.groupPublicKey}${key.address ? `, ${key.address}` : ''}`);

    // 2. Any t of them sign. followSession does the watching (and rejects unless completed).
    const message = Buffer.from('hello from the typed client').toString('hex');
    const sign = await client.sign.create.mutate({
      keyId: key.id,
      message,
      participants: participants.slice(0, threshold),
    });
    const signed = await followSession(client, sign.session.id, ({ view, event }) => {
      const waiting = view.waitingFor.join(', ') || 'nobody';
      if (event) log(`${view.id} event ${event.id}: ${event.type} (waiting for ${waiting})`);
    });
    const signature = String(signed.result?.['signature']);

    // 3. Anyone can check the signature against the group key.
    const verified = verifySignature(scheme, key.groupPublicKey, message, signature);
    log(`signature ${signature} ${verified ? 'verified' : 'DOES NOT VERIFY'}`);
    return { keyId: key.id, groupPublicKey: key.groupPublicKey, message, signature, verified };
  } finally {
    await closeClient(client);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  if (!env['SIGSOCKET_TOKEN']) throw new Error('set SIGSOCKET_TOKEN to a coordinator token');
  const result = await main({
    server: env['SIGSOCKET_SERVER'] ?? 'http://127.0.0.1:8080',
    token: env['SIGSOCKET_TOKEN'],
    participants: (env['SIGSOCKET_PARTICIPANTS'] ?? 'alice,bob,carol').split(','),
    threshold: Number(env['SIGSOCKET_THRESHOLD'] ?? 2),
    scheme: (env['SIGSOCKET_SCHEME'] as Scheme | undefined) ?? 'frost-secp256k1',
  });
  process.exitCode = result.verified ? 0 : 1;
}
