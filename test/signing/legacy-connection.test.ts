import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer } from '../support/server.js';
import { connectLegacy, getJson, testKey } from '../support/signing.js';

async function metrics(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

describe('legacy connection hygiene', () => {
  it('terminates a registered connection that stops answering pings, and only that one', async () => {
    // A short interval, and a pong timeout that a loaded machine still meets for the lively one.
    await using server = await startTestServer({ heartbeatMs: 300, heartbeatTimeoutMs: 1500 });
    const key = testKey();
    const lively = await connectLegacy(server, key);
    // autoPong off: this client reads frames but never answers pings.
    const silent = await connectLegacy(server, testKey(), { client: { autoPong: false } });
    const closed = await silent.closed;
    expect(closed.code).toBe(1006); // terminated, no close frame
    await expect
      .poll(() => getJson(server.url, '/status'))
      .toMatchObject({ connections: 1, signers: 1 });
    // The answering one survives many heartbeats.
    await new Promise((r) => setTimeout(r, 1500));
    expect(lively.ws.readyState).toBe(lively.ws.OPEN);
    expect(await getJson(server.url, `/connected/${key.publicKey}`)).toMatchObject({
      connected: true,
    });
  });

  it('closes a connection that does not introduce itself (4400) or prove its key (4401) within the sign timeout', async () => {
    await using server = await startTestServer({ signTimeoutMs: 300, maxSignTimeoutMs: 300 });
    const open = async () => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      return { ws, closed };
    };
    const mute = await open();
    expect(await mute.closed).toEqual({ code: 4400, reason: 'no introduction within 300 ms' });
    const unproven = await open();
    unproven.ws.send(testKey().publicKey); // then ignores the challenge
    expect(await unproven.closed).toEqual({
      code: 4401,
      reason: 'no proof of possession within 300 ms',
    });
    await expect.poll(() => getJson(server.url, '/status')).toMatchObject({ connections: 0 });
  });

  it('closes with 1009 on a frame over the limit and counts it', async () => {
    await using server = await startTestServer({ maxFrameBytes: 2048 });
    const key = testKey();
    const signer = await connectLegacy(server, key);
    signer.send('A'.repeat(4096));
    expect((await signer.closed).code).toBe(1009);
    expect(await metrics(server.url)).toMatch(
      /sigsocket_protocol_errors_total\{kind="oversized_frame"\} 1/,
    );
    expect(await getJson(server.url, '/status')).toMatchObject({ connections: 0 });
  });

  it('counts binary and malformed frames and closes with 4402 after five in a row', async () => {
    await using server = await startTestServer();
    const key = testKey();
    const signer = await connectLegacy(server, key);
    signer.send(Buffer.from([1, 2, 3]));
    signer.send('no dot here');
    signer.send('!!!.???');
    signer.send('a.b.c');
    expect(signer.ws.readyState).toBe(signer.ws.OPEN);
    signer.send(Buffer.from([4]));
    const closed = await signer.closed;
    expect(closed.code).toBe(4402);
    expect(closed.reason).toMatch(/5 protocol errors in a row/);
    const text = await metrics(server.url);
    expect(text).toMatch(/kind="binary_frame"\} 2/);
    expect(text).toMatch(/kind="malformed_response"\} 3/);
  });

  it('rejects a sign request for a reserved proof message', async () => {
    await using server = await startTestServer({ signAuth: 'off' });
    const key = testKey();
    await connectLegacy(server, key);
    const res = await fetch(`${server.url}/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        public_key: key.publicKey,
        message: Buffer.from('sigsocket-proof:abc').toString('base64'),
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/reserved/);
  });
});
