import fs from 'node:fs';
import path from 'node:path';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionProblem } from '../../client/server-errors.js';
import { runSigner } from '../../client/signer/typed.js';
import { closeClient, createClient, type AppRouter } from '../../client/trpc.js';
import { webSocketClass, type TlsTrust } from '../../client/transport.js';
import type { AttachEvent } from '../../protocol/signer-schemas.js';
import { generateDevCert, TlsConfigError } from '../../server/tls.js';
import { runCli } from '../support/cli.js';
import { startTestServer, tempDir } from '../support/server.js';
import { isProof, testKey, unb64 } from '../support/signing.js';

let dir: string;
let certFile: string;
let keyFile: string;

beforeAll(async () => {
  dir = tempDir('sigsocket-tls-');
  const cli = await runCli(['dev-cert', '--out-dir', dir, '--host', 'localhost']);
  expect(cli.code).toBe(0);
  certFile = path.join(dir, 'cert.pem');
  keyFile = path.join(dir, 'key.pem');
  expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
});

async function wsWhoami(wsUrl: string, token: string, trust: TlsTrust) {
  const wsClient = createWSClient({
    url: `${wsUrl}/trpc`,
    WebSocket: webSocketClass(trust),
    connectionParams: { token },
    retryDelayMs: () => 60_000,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
  try {
    return await Promise.race([
      client.auth.whoami.query(),
      new Promise((_, reject) =>
        wsClient.connectionState.subscribe({
          next: (s) => {
            if (s.state === 'connecting' && s.error) reject(new Error(connectionProblem(s.error)));
          },
        }),
      ),
    ]);
  } finally {
    await wsClient.close();
  }
}

/**
 * The first `signer.attach` event (the server's proof-of-possession challenge) a typed client
 * receives over its WebSocket; rejects with the connection's problem if the socket cannot open
 * (the client itself would keep retrying).
 */
async function firstAttachEvent(url: string, token: string, trust: TlsTrust): Promise<AttachEvent> {
  const client = createClient({ url, token, ...trust });
  let sub: { unsubscribe(): void } | undefined;
  try {
    return await new Promise<AttachEvent>((resolve, reject) => {
      sub = client.signer.attach.subscribe(
        { publicKey: testKey().publicKey },
        {
          onData: resolve,
          onError: reject,
          onConnectionStateChange: (s) => {
            if (s.state === 'connecting' && s.error) reject(new Error(connectionProblem(s.error)));
          },
        },
      );
    });
  } finally {
    sub?.unsubscribe();
    await closeClient(client);
  }
}

describe('TLS', () => {
  it('serves HTTPS, WSS queries and a WSS subscription on one port with the dev certificate, trusted through its CA', async () => {
    await using server = await startTestServer({
      tlsCert: certFile,
      tlsKey: keyFile,
      host: '127.0.0.1',
    });
    const url = server.url.replace('127.0.0.1', 'localhost');
    expect(url.startsWith('https://')).toBe(true);
    const token = await server.token('alice', 'coordinator');
    const client = createClient({ url, token, ca: certFile });
    expect(await client.auth.whoami.query()).toEqual({ sub: 'alice', role: 'coordinator' });
    await closeClient(client);
    expect(
      await wsWhoami(url.replace('https', 'wss'), token, { ca: fs.readFileSync(certFile) }),
    ).toEqual({ sub: 'alice', role: 'coordinator' });
    // A subscription over WSS (the typed client's own socket, trusting the CA file).
    const challenge = await firstAttachEvent(url, token, { ca: certFile });
    expect(challenge.type).toBe('challenge');
    expect(challenge.type === 'challenge' && isProof(unb64(challenge.challenge))).toBe(true);
  });

  it('refuses the untrusted certificate without the CA: HTTPS calls, WSS queries and subscriptions', async () => {
    await using server = await startTestServer({ tlsCert: certFile, tlsKey: keyFile });
    const url = server.url.replace('127.0.0.1', 'localhost');
    const token = await server.token('alice', 'coordinator');
    const client = createClient({ url, token });
    await expect(client.auth.whoami.query()).rejects.toThrow(/self[- ]signed|certificate/i);
    await closeClient(client);
    await expect(wsWhoami(url.replace('https', 'wss'), token, {})).rejects.toThrow(
      /self[- ]signed|certificate/i,
    );
    await expect(firstAttachEvent(url, token, {})).rejects.toThrow(/self[- ]signed|certificate/i);
    const TrustNone = webSocketClass({});
    const handshake = await new Promise<string>((resolve) => {
      const ws = new TrustNone(
        `${url.replace('https', 'wss')}/trpc`,
      ) as unknown as import('ws').WebSocket;
      ws.on('error', (err) => resolve(err.message));
      ws.on('open', () => resolve('opened'));
    });
    expect(handshake).toMatch(/self[- ]signed|certificate/i);

    // A typed signer keeps retrying, and says why it cannot connect.
    const signerClient = createClient({ url, token });
    const said = new Promise<string | undefined>((resolve) => {
      const signer = runSigner({
        url,
        client: signerClient,
        secretKey: testKey().secretKey,
        onEvent: (event) => {
          if (event.type !== 'disconnected') return;
          void signer.stop().then(() => resolve(event.reason));
        },
      });
    });
    expect(await said).toMatch(/self[- ]signed certificate/);
    await closeClient(signerClient);
  });

  it('accepts any certificate only with the explicit insecure switch', async () => {
    await using server = await startTestServer({ tlsCert: certFile, tlsKey: keyFile });
    const client = createClient({
      url: server.url,
      token: await server.token('alice', 'admin'),
      insecure: true,
    });
    expect(await client.auth.whoami.query()).toEqual({ sub: 'alice', role: 'admin' });
    await closeClient(client);
  });

  describe('misconfiguration stops start-up naming the file', () => {
    const cases: [string, () => Promise<{ cert: string; key: string }>, RegExp, 'cert' | 'key'][] =
      [
        [
          'missing certificate',
          async () => ({ cert: path.join(dir, 'absent.pem'), key: keyFile }),
          /certificate file not found/,
          'cert',
        ],
        [
          'missing key',
          async () => ({ cert: certFile, key: path.join(dir, 'absent-key.pem') }),
          /private key file not found/,
          'key',
        ],
        [
          'unreadable key (a directory)',
          async () => ({ cert: certFile, key: dir }),
          /directory, not a file/,
          'key',
        ],
        [
          'certificate that is not PEM',
          async () => write('junk-cert.pem', 'hello'),
          /not a PEM certificate/,
          'cert',
        ],
        [
          'malformed certificate',
          async () =>
            write('bad-cert.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
          /malformed certificate/,
          'cert',
        ],
        [
          'malformed key',
          async () => ({
            cert: certFile,
            key: writeFile(
              'bad-key.pem',
              '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
            ),
          }),
          /malformed private key/,
          'key',
        ],
        [
          'key of another certificate',
          async () => ({
            cert: certFile,
            key: writeFile('other-key.pem', (await generateDevCert('other')).key),
          }),
          /does not match/,
          'key',
        ],
      ];
    function writeFile(name: string, text: string) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    }
    function write(name: string, text: string) {
      return { cert: writeFile(name, text), key: keyFile };
    }
    it.each(cases)('%s', async (_name, make, problem, which) => {
      const files = await make();
      const dataDir = tempDir();
      const err = await startTestServer({ tlsCert: files.cert, tlsKey: files.key, dataDir }).then(
        (s) => s.close().then(() => undefined),
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TlsConfigError);
      expect((err as Error).message).toMatch(problem);
      expect((err as Error).message).toContain(which === 'cert' ? files.cert : files.key);
      // Nothing was touched: the data directory was not taken.
      expect(fs.existsSync(path.join(dataDir, 'sigsocket.db'))).toBe(false);
    });

    it('exits `sigsocket serve` non-zero with the message', async () => {
      const cli = await runCli([
        'serve',
        '--port',
        '0',
        '--data-dir',
        tempDir(),
        '--tls-cert',
        path.join(dir, 'absent.pem'),
        '--tls-key',
        keyFile,
      ]);
      expect(cli.code).not.toBe(0);
      expect(cli.stderr).toContain(
        `TLS: ${path.join(dir, 'absent.pem')}: certificate file not found`,
      );
    });
  });
});
