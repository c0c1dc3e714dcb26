/**
 * A flood of WebSocket connections from one address: the per-IP cap admits exactly that many
 * (429 at the upgrade for the rest, counted), while other addresses, plain HTTP and the
 * connections already open keep working, and the address gets its capacity back as its
 * connections close. Loopback has many addresses: clients bind 127.0.0.2 / .3 to be "others".
 */
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../client/trpc.js';
import { startTestServer } from '../support/server.js';
import { b64, connectLegacy, postSign, testKey, waitFor } from '../support/signing.js';
import { Figures } from './support/abuse-figures.js';
import { RawTrpcSocket } from './support/abuse-trpc-ws.js';

const CAP = 20;
const FLOOD = 60;

/** Upgrades `/ws` or `/trpc` from `localAddress`: the open socket, or the refusal's status. */
function upgrade(url: string, localAddress = '127.0.0.1'): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => resolve(ws));
    ws.on('error', (err) =>
      err.message.includes('Unexpected server response') ? undefined : reject(err),
    );
  });
}

async function metric(url: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(pattern.exec(text)?.[1] ?? 0);
}

describe('a flood of connections from one address', () => {
  it(`admits ${CAP}, refuses the rest with 429, and keeps serving everyone else`, async () => {
    await using server = await startTestServer({ maxConnectionsPerIp: CAP });
    const token = await server.token('coord', 'coordinator');
    // A signer from another address, connected before the flood.
    const key = testKey();
    const signer = await connectLegacy(server, key, { client: { localAddress: '127.0.0.2' } });

    const endpoints = ['/ws', '/trpc'];
    const results = await Promise.all(
      Array.from({ length: FLOOD }, (_, i) => upgrade(`${server.wsUrl}${endpoints[i % 2]}`)),
    );
    const admitted = results.filter((r): r is WebSocket => typeof r !== 'number');
    const refused = results.filter((r) => typeof r === 'number');
    expect(admitted).toHaveLength(CAP);
    expect(refused).toEqual(Array(FLOOD - CAP).fill(429));
    expect(
      await metric(server.url, /sigsocket_ws_rejected_total\{reason="per_ip_limit"\} (\d+)/),
    ).toBe(FLOOD - CAP);
    const figures = new Figures('overload-connections');
    figures.add('upgrades from one address', FLOOD);
    figures.add('admitted', admitted.length);
    figures.add('refused 429', refused.length);
    figures.print();

    // Everyone else keeps working while the address is at its cap.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const call = postSign(
      server.url,
      { public_key: key.publicKey, message: b64('during the flood') },
      token,
    );
    const asked = await signer.next();
    signer.respond(asked, key.sign(asked));
    expect((await call).status).toBe(200);
    const other = await RawTrpcSocket.open(server.wsUrl, token, { localAddress: '127.0.0.3' });
    expect((await other.request('query', 'auth.whoami', undefined)).result).toMatchObject({
      data: { sub: 'coord' },
    });
    // Plain HTTP (tRPC included) is not capped per address.
    const http = createClient({ url: server.url, token });
    expect(await http.auth.whoami.query()).toEqual({ sub: 'coord', role: 'coordinator' });
    expect(await upgrade(`${server.wsUrl}/trpc`)).toBe(429);

    // Capacity comes back as the flood's connections close.
    await Promise.all(
      admitted.map((ws) => new Promise((resolve) => ws.once('close', resolve).close())),
    );
    let again: WebSocket | number = 0;
    await waitFor(async () => {
      again = await upgrade(`${server.wsUrl}/trpc`);
      return typeof again !== 'number';
    }, 'a connection from the flooding address');
    (again as unknown as WebSocket).close();
    await other.close();
    await signer.close();
  });
});
