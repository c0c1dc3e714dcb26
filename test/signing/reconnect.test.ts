import { describe, expect, it } from 'vitest';
import { runLegacySigner } from '../../client/signer/legacy.js';
import { runSigner } from '../../client/signer/typed.js';
import { closeClient, createClient } from '../../client/trpc.js';
import { startTestServer } from '../support/server.js';
import { b64, getJson, postSign, testKey, waitFor } from '../support/signing.js';

describe('reference signers reconnect', () => {
  it('come back to a restarted server on the same address and sign again', async () => {
    const first = await startTestServer();
    const { dataDir, port } = first;
    const wallet = createClient({
      url: first.url,
      token: await first.token('wallet', 'participant'),
    });
    const legacyKey = testKey();
    const typedKey = testKey();
    const legacy = runLegacySigner({ url: first.url, secretKey: legacyKey.secretKey });
    const typed = runSigner({ url: first.url, client: wallet, secretKey: typedKey.secretKey });
    try {
      await typed.ready();
      await waitFor(
        async () =>
          ((await getJson(first.url, '/status')) as { connections: number }).connections === 2,
        'both signers',
      );
      await first.close();

      await using second = await startTestServer({ dataDir, port });
      await waitFor(
        async () =>
          ((await getJson(second.url, '/status')) as { connections: number }).connections === 2,
        'both signers again',
        20_000,
      );
      await typed.ready();
      const token = await second.token('carol', 'coordinator');
      for (const key of [legacyKey, typedKey]) {
        const result = await postSign(
          second.url,
          { public_key: key.publicKey, message: b64('after restart') },
          token,
        );
        expect(result.status).toBe(200);
      }
    } finally {
      await legacy.stop();
      await typed.stop();
      await closeClient(wallet);
    }
  });
});
