// Everything the demo talks to, in this process: a server on a free loopback port, one
// participant agent per party (auto-approving), a legacy signer, and a coordinator client.
import path from 'node:path';
import { startServer, type ServerHandle } from '../../server/app.js';
import { resolveConfig } from '../../server/config.js';
import { createLogger, type Logger } from '../../server/logger.js';
import { loadOrCreateKeyFile } from '../../client/key-file.js';
import { runParticipant } from '../../client/participant/index.js';
import { waitUntil } from '../../client/poll.js';
import { runLegacySigner } from '../../client/signer/legacy.js';
import { signingHttpClient, type SigningHttpClient } from '../../client/signing-http.js';
import { closeClient, createClient, type SigSocketClient } from '../../client/trpc.js';

export const COORDINATOR = 'demo-coordinator';

export interface DemoClusterOptions {
  /** The server's data directory; the agents' key files and keystores go to `<dataDir>/demo`. */
  dataDir: string;
  /** One participant agent per name. */
  names: string[];
  logLevel: string;
  /** Something went wrong in an agent or the signer (it may recover). */
  onWarning?: (text: string) => void;
}

export interface DemoCluster {
  server: ServerHandle;
  /** A typed client with a coordinator token. */
  coordinator: SigSocketClient;
  /** `POST /sign` and `GET /connected` with the coordinator's token. */
  http: SigningHttpClient;
  participants: Array<{ name: string; identityKey: string }>;
  /** The legacy signer's public key (compressed hex); it is registered when start returns. */
  legacySigner: string;
  close(): Promise<void>;
}

/**
 * Starts the server, the agents (registered and subscribed) and the legacy signer (registered,
 * proof of possession passed). Key files are kept in the data directory, so a second run on
 * the same `--data-dir` reuses the identities registered by the first.
 */
export async function startDemoCluster(opts: DemoClusterOptions): Promise<DemoCluster> {
  const warn = opts.onWarning ?? (() => {});
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const given = { host: '127.0.0.1', port: 0, dataDir: opts.dataDir, logLevel: opts.logLevel };
    const config = resolveConfig(given, {});
    const logger = createLogger(config.logLevel);
    const server = await startServer(config, { logger });
    closers.push(() => server.close());
    const token = await server.services.issueToken({ sub: COORDINATOR, role: 'coordinator' });
    const coordinator = createClient({ url: server.url, token });
    closers.push(() => closeClient(coordinator));
    const participants = await Promise.all(
      opts.names.map((name) => startAgent(server, name, opts.dataDir, logger, warn, closers)),
    );
    const http = signingHttpClient({ url: server.url, token });
    const legacySigner = await startLegacySigner(server, http, opts.dataDir, warn, closers);
    return { server, coordinator, http, participants, legacySigner, close };
  } catch (err) {
    await close();
    throw err;
  }
}

const keyFile = (dataDir: string, name: string) => path.join(dataDir, 'demo', `${name}.key`);

async function startAgent(
  server: ServerHandle,
  name: string,
  dataDir: string,
  logger: Logger,
  warn: (text: string) => void,
  closers: Array<() => Promise<void>>,
): Promise<{ name: string; identityKey: string }> {
  const file = keyFile(dataDir, name);
  const token = await server.services.issueToken({ sub: name, role: 'participant' });
  const client = createClient({ url: server.url, token });
  closers.push(() => closeClient(client));
  let identityKey = '';
  const agent = runParticipant({
    client,
    name,
    identitySecretKey: loadOrCreateKeyFile(file).secretKey,
    keystoreDir: `${file}.keystore`,
    approve: () => true,
    logger: logger.child({ participant: name }),
    onEvent: (event) => {
      if (event.type === 'registered') identityKey = event.identityKey;
      if (event.type === 'error') warn(`participant ${name}: ${event.message}`);
    },
  });
  closers.push(() => agent.stop());
  await agent.ready;
  return { name, identityKey };
}

async function startLegacySigner(
  server: ServerHandle,
  http: SigningHttpClient,
  dataDir: string,
  warn: (text: string) => void,
  closers: Array<() => Promise<void>>,
): Promise<string> {
  const signer = runLegacySigner({
    url: server.url,
    secretKey: loadOrCreateKeyFile(keyFile(dataDir, 'legacy-signer')).secretKey,
    onEvent: (event) => {
      if (event.type === 'error') warn(`legacy signer: ${event.message}`);
    },
  });
  closers.push(() => signer.stop());
  // The raw protocol acknowledges nothing: registered once the server lists the key.
  await waitUntil(() => http.connected(signer.publicKey), 'the legacy signer to register', 15_000);
  return signer.publicKey;
}
