/**
 * Client WebSockets bound what they read from a server (`ws` would buffer up to 100 MiB): the
 * typed client just above the largest message any server configuration sends it, the legacy
 * signer at the protocol's 64 KiB frame limit unless told the server's `--max-frame-bytes`.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { describe, expect, it } from 'vitest';
import { runLegacySigner } from '../../client/signer/legacy.js';
import { runSigner } from '../../client/signer/typed.js';
import { closeClient, createClient } from '../../client/trpc.js';
import { MAX_SERVER_MESSAGE_BYTES } from '../../client/transport.js';
import { MAX_MESSAGE_BYTES } from '../../protocol/signer-schemas.js';
import { maxMessageBytes } from '../../server/signing/limits.js';
import { startTestServer } from '../support/server.js';
import { b64, isConnected, postSign, testKey, waitFor } from '../support/signing.js';

const MiB = 1024 * 1024;

describe('client WebSocket limits', () => {
  it('a typed signer takes the largest request any server configuration can send it', async () => {
    await using server = await startTestServer({ maxFrameBytes: 16 * MiB });
    expect(maxMessageBytes(server.services.config.maxFrameBytes)).toBe(MAX_MESSAGE_BYTES);
    const wallet = createClient({ url: server.url, token: await server.token('w', 'participant') });
    const key = testKey();
    const signer = runSigner({ url: server.url, client: wallet, secretKey: key.secretKey });
    await signer.ready();
    const message = new Uint8Array(MAX_MESSAGE_BYTES).fill(7);
    const token = await server.token('carol', 'coordinator');
    const res = await postSign(
      server.url,
      { public_key: key.publicKey, message: b64(message) },
      token,
    );
    expect(res.status).toBe(200);
    await signer.stop();
    await closeClient(wallet);
  });

  it('the typed client closes a WebSocket whose server sends more than its limit (1009)', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    const closes: number[] = [];
    wss.on('connection', (ws) => {
      ws.on('close', (code) => closes.push(code));
      ws.send('x'.repeat(MAX_SERVER_MESSAGE_BYTES + 1));
    });
    const { port } = wss.address() as AddressInfo;
    const client = createClient({ url: `http://127.0.0.1:${port}` });
    const sub = client.participant.inbox.subscribe(undefined, { onData: () => {} });
    await waitFor(() => closes.length > 0, 'the client to close the socket');
    expect(closes[0]).toBe(1009);
    sub.unsubscribe();
    await closeClient(client);
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  it('a legacy signer reads frames up to 64 KiB by default, or up to the limit it is given', async () => {
    await using server = await startTestServer({ maxFrameBytes: MiB });
    const token = await server.token('carol', 'coordinator');
    const sign = (publicKey: string, bytes: number) =>
      postSign(server.url, { public_key: publicKey, message: b64(new Uint8Array(bytes)) }, token);
    // 48 KiB of message is 64 KiB of base64: the largest request a default server sends.
    const largestDefault = maxMessageBytes(64 * 1024);
    const plain = runLegacySigner({ url: server.url, secretKey: testKey().secretKey });
    const told = runLegacySigner({
      url: server.url,
      secretKey: testKey().secretKey,
      maxFrameBytes: MiB,
    });
    const registered = (publicKey: string) => isConnected(server.url, publicKey);
    await waitFor(
      async () => (await registered(plain.publicKey)) && (await registered(told.publicKey)),
      'both signers registered',
    );
    expect((await sign(plain.publicKey, largestDefault)).status).toBe(200);
    const tooLarge = await sign(plain.publicKey, 64 * 1024);
    expect(tooLarge).toMatchObject({ status: 502, body: { code: 'SIGNER_DISCONNECTED' } });
    expect((await sign(told.publicKey, maxMessageBytes(MiB))).status).toBe(200);
    await Promise.all([plain.stop(), told.stop()]);
  });
});
