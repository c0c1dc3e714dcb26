import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterEach, describe, expect, it } from 'vitest';
import { insertKeyRow } from '../../db/keys.js';
import { openDataDir } from '../../db/open.js';
import { insertSessionRow } from '../../db/sessions.js';
import { ethereumAddress, p2wpkhAddress } from '../../protocol/address.js';
import { startTestServer, tempDir } from '../support/server.js';
import { clientFor, closeAll, completedKeygen, participants } from '../support/sessions.js';

afterEach(closeAll);

function sqlite3(db: string, query: string): Array<Record<string, unknown>> {
  const out = execFileSync('sqlite3', ['-json', db, query], { encoding: 'utf8' });
  return out.trim() === '' ? [] : (JSON.parse(out) as Array<Record<string, unknown>>);
}

/**
 * An ECDSA key as a completed DKLs23 keygen stores it, written straight through db/keys.ts (its
 * keygen session row only satisfies the foreign key): this test is about the columns, not the
 * protocol.
 */
function storeEcdsaKey(dataDir: string, keyId: string): { groupPublicKey: string } {
  const groupPublicKey = bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey()));
  const opened = openDataDir(dataDir);
  try {
    const at = Date.now();
    insertSessionRow(opened.db, {
      id: 'kg-ecdsa',
      kind: 'keygen',
      state: 'completed',
      scheme: 'dkls23-secp256k1',
      threshold: 2,
      participants: ['alice', 'bob'],
      coordinator: 'coord',
      waitingFor: [],
      snapshot: {},
      requestHash: 'test',
      createdAt: at,
      updatedAt: at,
    });
    insertKeyRow(opened.db, {
      id: keyId,
      scheme: 'dkls23-secp256k1',
      groupPublicKey,
      threshold: 2,
      participants: [
        { name: 'alice', index: 1 },
        { name: 'bob', index: 2 },
      ],
      verifyingShares: {},
      address: p2wpkhAddress(groupPublicKey, 'tb'),
      ethereumAddress: ethereumAddress(groupPublicKey),
      keygenSessionId: 'kg-ecdsa',
      coordinator: 'coord',
      createdAt: at,
    });
  } finally {
    opened.close();
  }
  return { groupPublicKey };
}

describe('the keys table: Bitcoin and Ethereum address columns', () => {
  it('holds both addresses of an ECDSA key, and null for a FROST key’s Ethereum address', async () => {
    const dataDir = tempDir();
    const { groupPublicKey } = storeEcdsaKey(dataDir, 'key-ecdsa');
    await using server = await startTestServer({ dataDir, network: 'tb' });
    const coordinator = await clientFor(server, 'coord', 'coordinator');
    await participants(server, ['alice', 'bob']);
    const keygen = await completedKeygen(coordinator, {
      sessionId: 'kg-frost',
      threshold: 2,
      participants: ['alice', 'bob'],
      scheme: 'frost-secp256k1-tr',
    });
    const frostKeyId = keygen.result!['keyId'] as string;

    const ecdsa = await coordinator.key.get.query({ keyId: 'key-ecdsa' });
    expect(ecdsa.scheme).toBe('dkls23-secp256k1');
    expect(ecdsa.address).toBe(p2wpkhAddress(groupPublicKey, 'tb'));
    expect(ecdsa.address).toMatch(/^tb1q/);
    expect(ecdsa.ethereumAddress).toBe(ethereumAddress(groupPublicKey));
    const frost = await coordinator.key.get.query({ keyId: frostKeyId });
    expect(frost.address).toMatch(/^tb1p/);
    expect(frost.ethereumAddress).toBeNull();
    const listed = await coordinator.key.list.query({});
    expect(listed.find((k) => k.id === 'key-ecdsa')?.ethereumAddress).toBe(ecdsa.ethereumAddress);

    const rows = sqlite3(
      path.join(server.dataDir, 'sigsocket.db'),
      'select id, address, ethereum_address from keys order by id',
    );
    expect(rows).toEqual([
      { id: 'key-ecdsa', address: ecdsa.address, ethereum_address: ecdsa.ethereumAddress },
      { id: frostKeyId, address: frost.address, ethereum_address: null },
    ]);
  });
});
