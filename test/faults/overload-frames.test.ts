/**
 * Huge frames are cut off exactly at the limit: a message of `--max-frame-bytes` (legacy /ws)
 * or `--max-trpc-message-bytes` (tRPC WebSocket) is still read, one byte more closes the
 * connection with 1009 — also when the excess is spread over fragments that are each small —
 * and an HTTP tRPC body over the limit gets 413. Other connections are not affected.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { connectLegacy, RawLegacyClient, testKey } from '../support/signing.js';
import { RawTrpcSocket } from './support/abuse-trpc-ws.js';

const MAX_FRAME = 4096;
const MAX_TRPC = 8192;

const start = () =>
  startTestServer({ maxFrameBytes: MAX_FRAME, maxTrpcMessageBytes: MAX_TRPC, legacyProof: 'off' });

/** A whoami request padded with JSON whitespace to exactly `bytes`. */
function whoamiOf(socket: RawTrpcSocket, bytes: number): { id: number; text: string } {
  const { id, text } = socket.frame('query', 'auth.whoami', undefined);
  return { id, text: text.slice(0, -1) + ' '.repeat(bytes - text.length) + '}' };
}

/** Sends `text` as several fragments of one message, each far below the limit. */
function sendFragmented(ws: { send(d: string, o: { fin: boolean }): void }, text: string): void {
  const size = 1000;
  for (let i = 0; i < text.length; i += size) {
    ws.send(text.slice(i, i + size), { fin: i + size >= text.length });
  }
}

async function protocolErrors(server: TestServer, kind: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = new RegExp(`sigsocket_protocol_errors_total\\{kind="${kind}"\\} (\\d+)`).exec(text);
  return Number(m?.[1] ?? 0);
}

describe('huge frames on the legacy /ws endpoint', () => {
  it('reads a frame of exactly the limit and closes with 1009 one byte over, whole or fragmented', async () => {
    await using server = await start();
    const [key, bystanderKey] = [testKey(), testKey()];
    const bystander = await connectLegacy(server, bystanderKey, { proof: false });
    const signer = await connectLegacy(server, key, { proof: false });
    signer.send('A'.repeat(MAX_FRAME)); // read: one malformed response, not a close
    signer.send('A'.repeat(MAX_FRAME + 1));
    expect((await signer.closed).code).toBe(1009);
    expect(await protocolErrors(server, 'malformed_response')).toBe(1);
    expect(await protocolErrors(server, 'oversized_frame')).toBe(1);

    const fragmented = await connectLegacy(server, testKey(), { proof: false });
    sendFragmented(fragmented.ws, 'A'.repeat(MAX_FRAME + 1));
    expect((await fragmented.closed).code).toBe(1009);

    // Before the introduction too.
    const early = new RawLegacyClient(server.wsUrl);
    await early.opened;
    early.send('A'.repeat(MAX_FRAME + 1));
    expect((await early.closed).code).toBe(1009);

    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
    await bystander.close();
  });
});

describe('huge messages on the tRPC WebSocket and HTTP', () => {
  it('answers a message of exactly the limit and closes with 1009 one byte over, whole or fragmented', async () => {
    await using server = await start();
    const token = await server.token('coord', 'coordinator');
    const bystander = await RawTrpcSocket.open(server.wsUrl, token);
    const socket = await RawTrpcSocket.open(server.wsUrl, token);

    const atLimit = whoamiOf(socket, MAX_TRPC);
    expect(Buffer.byteLength(atLimit.text)).toBe(MAX_TRPC);
    socket.send(atLimit.text);
    await expect
      .poll(() => socket.replies.find((r) => r.id === atLimit.id)?.result)
      .toMatchObject({
        data: { sub: 'coord' },
      });
    socket.send(whoamiOf(socket, MAX_TRPC + 1).text);
    expect((await socket.closed).code).toBe(1009);

    const fragmented = await RawTrpcSocket.open(server.wsUrl, token);
    sendFragmented(fragmented.ws, whoamiOf(fragmented, MAX_TRPC + 1).text);
    expect((await fragmented.closed).code).toBe(1009);

    expect((await bystander.request('query', 'auth.whoami', undefined)).result).toMatchObject({
      data: { sub: 'coord' },
    });
    await bystander.close();
  });

  it('answers 413 to an HTTP body over the limit and still reads one at the limit', async () => {
    await using server = await start();
    const token = await server.token('coord', 'coordinator');
    const post = (bytes: number) => {
      const body = JSON.stringify({ sessionId: 'x', reason: '' });
      return fetch(`${server.url}/trpc/session.abort`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body.slice(0, -1) + ' '.repeat(bytes - body.length) + '}',
      });
    };
    const atLimit = await post(MAX_TRPC);
    expect(atLimit.status).toBe(404); // read and answered: session x does not exist
    const over = await post(MAX_TRPC + 1);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({
      error: { data: { code: 'PAYLOAD_TOO_LARGE', appCode: 'PAYLOAD_TOO_LARGE' } },
    });
  });
});
