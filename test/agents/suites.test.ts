/**
 * Every ciphersuite added beside secp256k1, end to end through the real server with real
 * participant agents: 2-of-3 and 3-of-5 keygens, signing by every t-subset of the 3-of-5 key,
 * each signature checked by another implementation (OpenSSL for Ed25519/Ed448, the RFC 9591
 * equation for P-256/ristretto255), the suite's own encodings and, for Ed25519, the Solana
 * address in key.get and the keys table.
 */
import { base58 } from '@scure/base';
import { afterEach, describe, expect, it } from 'vitest';
import { followSession, startSign } from '../../client/coordinator/index.js';
import type { Scheme } from '../../protocol/frost/schemes.js';
import { startTestServer } from '../support/server.js';
import { verifiedElsewhere } from '../support/verify-elsewhere.js';
import { AgentPool, completedKeygen, hexOf, resultOf } from './support.js';

// RFC 9591 §6 sizes, written out: group key (SerializeElement) and signature bytes.
const SUITES: Array<{ scheme: Scheme; keyBytes: number; signatureBytes: number }> = [
  { scheme: 'frost-ed25519', keyBytes: 32, signatureBytes: 64 },
  { scheme: 'frost-ed448', keyBytes: 57, signatureBytes: 114 },
  { scheme: 'frost-p256', keyBytes: 33, signatureBytes: 65 },
  { scheme: 'frost-ristretto255', keyBytes: 32, signatureBytes: 64 },
];

let pool: AgentPool | undefined;
afterEach(async () => {
  await pool?.cleanup();
  pool = undefined;
});

/** All k-element subsets of `items`, in order. */
function subsets<T>(items: T[], k: number): T[][] {
  if (k === 0) return [[]];
  return items.flatMap((first, i) =>
    subsets(items.slice(i + 1), k - 1).map((rest) => [first, ...rest]),
  );
}

async function signedBy(
  scheme: Scheme,
  key: { keyId: string; groupPublicKey: string },
  signers: string[],
  signatureBytes: number,
) {
  const coordinator = await pool!.client('coord', 'coordinator');
  const message = hexOf(`${scheme} signed by ${signers.join(' ')}`);
  const { session } = await startSign(coordinator, {
    keyId: key.keyId,
    message,
    participants: signers,
  });
  const view = await followSession(coordinator, session.id);
  expect(view.state, JSON.stringify(view.error)).toBe('completed');
  const { signature } = resultOf(view);
  expect(signature).toHaveLength(signatureBytes * 2);
  expect(await verifiedElsewhere(scheme, key.groupPublicKey, message, signature!)).toBe(true);
  // The same signature over another message does not verify: the check can fail.
  expect(await verifiedElsewhere(scheme, key.groupPublicKey, message + '00', signature!)).toBe(
    false,
  );
}

describe.each(SUITES)(
  '$scheme through the real server with real agents',
  { timeout: 300_000 },
  ({ scheme, keyBytes, signatureBytes }) => {
    it('2-of-3: keygen, the key in its own encoding, and a signature', async () => {
      await using server = await startTestServer();
      pool = new AgentPool(server);
      const names = ['alice', 'bob', 'dave'];
      await pool.agentsNamed(names);
      const coordinator = await pool.client('coord', 'coordinator');
      const key = await completedKeygen(coordinator, names, 2, scheme);
      expect(key.view.state).toBe('completed');
      expect(key.groupPublicKey).toHaveLength(keyBytes * 2);
      const stored = await coordinator.key.get.query({ keyId: key.keyId });
      expect(stored).toMatchObject({ scheme, groupPublicKey: key.groupPublicKey, threshold: 2 });
      const row = server.services.sqlite
        .prepare('select scheme, group_public_key as key, address from keys where id = ?')
        .get(key.keyId) as { scheme: string; key: string; address: string | null };
      expect(row).toMatchObject({ scheme, key: key.groupPublicKey });
      if (scheme === 'frost-ed25519') {
        const solana = base58.encode(Buffer.from(key.groupPublicKey, 'hex'));
        expect(resultOf(key.view).address).toBe(solana);
        expect(stored.address).toBe(solana);
        expect(row.address).toBe(solana);
      } else {
        expect(row.address).toBeNull();
      }
      await signedBy(scheme, key, ['dave', 'alice'], signatureBytes);
    });

    it('3-of-5: keygen, then signing by every 3 of the 5', async () => {
      await using server = await startTestServer();
      pool = new AgentPool(server);
      const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
      await pool.agentsNamed(names);
      const coordinator = await pool.client('coord', 'coordinator');
      const key = await completedKeygen(coordinator, names, 3, scheme);
      expect(key.view.state).toBe('completed');
      const all = subsets(names, 3);
      expect(all).toHaveLength(10);
      for (const signers of all) await signedBy(scheme, key, signers, signatureBytes);
    });
  },
);
