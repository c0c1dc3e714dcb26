import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { base64Encode } from '../../protocol/encoding.js';
import { startTestServer } from '../support/server.js';
import {
  connectLegacy,
  getJson,
  isConnected,
  isProof,
  RawLegacyClient,
  testKey,
} from '../support/signing.js';

const connected = isConnected;

describe('legacy /ws introduction', () => {
  it('accepts the public key as hex or base64, compressed or uncompressed, and normalises it', async () => {
    await using server = await startTestServer({ legacyProof: 'off' });
    const key = testKey();
    const uncompressed = secp256k1.getPublicKey(key.secretKey, false);
    const compressed = Buffer.from(key.publicKey, 'hex');
    const forms = [
      key.publicKey,
      key.publicKey.toUpperCase(),
      Buffer.from(uncompressed).toString('hex'),
      base64Encode(compressed),
      base64Encode(uncompressed),
      Buffer.from(uncompressed).toString('base64url'), // URL-safe, no padding
    ];
    for (const introduction of forms) {
      const client = await connectLegacy(server, key, { proof: false, introduction });
      expect(await connected(server.url, key.publicKey)).toBe(true);
      await client.close();
      await expect.poll(() => getJson(server.url, '/status')).toMatchObject({ connections: 0 });
    }
  });

  it('closes with 4400 and a reason for anything that is not a valid key', async () => {
    await using server = await startTestServer();
    const notOnCurve = '02' + 'ff'.repeat(32); // x ≥ p
    const cases: [string | Buffer, RegExp][] = [
      ['hello', /public key/],
      ['02' + 'ab'.repeat(31), /public key/], // 64 hex digits: wrong length
      [notOnCurve, /not a valid secp256k1 point/],
      ['04' + '11'.repeat(64), /not a valid secp256k1 point/],
      [base64Encode(new Uint8Array(20)), /33 \(compressed\) or 65 \(uncompressed\) bytes/],
      [Buffer.from(testKey().publicKey, 'hex'), /text frame/], // binary
    ];
    for (const [introduction, reason] of cases) {
      const client = new RawLegacyClient(server.wsUrl);
      await client.opened;
      client.send(introduction);
      const closed = await client.closed;
      expect(closed.code).toBe(4400);
      expect(closed.reason).toMatch(reason);
    }
    expect(((await getJson(server.url, '/status')) as { connections: number }).connections).toBe(0);
  });
});

describe('legacy proof of possession', () => {
  it('registers a signer only after its challenge signature verifies', async () => {
    await using server = await startTestServer();
    const key = testKey();
    const client = new RawLegacyClient(server.wsUrl);
    await client.opened;
    client.send(key.publicKey);
    const challenge = await client.next();
    expect(isProof(challenge)).toBe(true);
    // sigsocket-proof:<the server's origin>:<64 hex digits> (docs/signing.md, "Proof of possession").
    expect(Buffer.from(challenge).toString()).toMatch(
      new RegExp(`^sigsocket-proof:${server.url.replace(/[.]/g, '\\.')}:[0-9a-f]{64}$`),
    );
    expect(await connected(server.url, key.publicKey)).toBe(false);
    client.respond(challenge, key.sign(challenge));
    await expect.poll(() => connected(server.url, key.publicKey)).toBe(true);
  });

  it('closes with 4401 on a wrong signature, a foreign key or a wrong echo', async () => {
    await using server = await startTestServer();
    const key = testKey();
    const other = testKey();
    const answers: ((challenge: Uint8Array) => [Uint8Array, Uint8Array])[] = [
      (c) => [c, other.sign(c)], // someone else's signature
      (c) => [c, key.sign(new Uint8Array([1, 2, 3]))], // signature over another message
      (c) => [new Uint8Array([...c.subarray(0, -1), c[c.length - 1]! ^ 1]), key.sign(c)], // wrong echo
    ];
    for (const answer of answers) {
      const client = new RawLegacyClient(server.wsUrl);
      await client.opened;
      client.send(key.publicKey);
      const [message, signature] = answer(await client.next());
      client.respond(message, signature);
      const closed = await client.closed;
      expect(closed.code).toBe(4401);
      expect(closed.reason).toMatch(/proof of possession/);
    }
    const garbage = new RawLegacyClient(server.wsUrl);
    await garbage.opened;
    garbage.send(key.publicKey);
    await garbage.next();
    garbage.send('not a response');
    expect((await garbage.closed).code).toBe(4401);
    expect(await connected(server.url, key.publicKey)).toBe(false);
  });

  it('registers at once without a challenge when --legacy-proof off', async () => {
    await using server = await startTestServer({ legacyProof: 'off' });
    const key = testKey();
    const client = new RawLegacyClient(server.wsUrl);
    await client.opened;
    client.send(key.publicKey);
    await expect.poll(() => connected(server.url, key.publicKey)).toBe(true);
    expect(client.queued).toBe(0);
  });
});
