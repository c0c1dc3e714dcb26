// A key's destruction with real agents, for a FROST and a DKLs23 key: every holder deletes its
// share on disk and signs that it did (checked by OpenSSL), every copy of the escrow blobs is
// erased (rows, snapshots, events, and the bytes of the database file), and the key takes no
// signing and no second destruction.
import fs from 'node:fs';
import path from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it } from 'vitest';
import { followSession, startDestroy, startSign } from '../../client/coordinator/index.js';
import Database from 'better-sqlite3';
import { escrowsOfKey } from '../../db/keys.js';
import { openDatabaseReadOnly } from '../../db/read-only.js';
import { publicKeyOf } from '../../protocol/ecdsa/sign.js';
import { destroyStatement } from '../../protocol/lifecycle/destroy-statement.js';
import { derSignature, opensslVerifyEcdsa } from '../support/independent-verifiers.js';
import { appCode } from '../support/sessions.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { AgentPool, completedKeygen, type Agent } from './support.js';
import { DKLS, hex, unhex } from './support-dkls23.js';

let pool: AgentPool | undefined;
afterEach(async () => {
  await pool?.cleanup();
  pool = undefined;
});

/** Every file under the agent's keystore whose name mentions `id`. */
function filesNaming(agent: Agent, id: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.includes(id)) found.push(path.relative(agent.keystoreDir, full));
    }
  };
  walk(agent.keystoreDir);
  return found;
}

const databaseFile = (server: TestServer) => path.join(server.dataDir, 'sigsocket.db');

function escrowBlobs(server: TestServer, keyId: string): string[] {
  const opened = openDatabaseReadOnly(databaseFile(server));
  try {
    return [...escrowsOfKey(opened.db, keyId).values()];
  } finally {
    opened.close();
  }
}

/** `table.column` of every value in the database that contains one of `needles`. */
function cellsContaining(server: TestServer, needles: string[]): string[] {
  const sqlite = new Database(databaseFile(server), { readonly: true });
  try {
    const tables = sqlite
      .prepare<[], { name: string }>(`select name from sqlite_master where type = 'table'`)
      .all();
    const found: string[] = [];
    for (const { name } of tables) {
      for (const row of sqlite
        .prepare<[], Record<string, unknown>>(`select * from "${name}"`)
        .all()) {
        for (const [column, value] of Object.entries(row)) {
          if (typeof value === 'string' && needles.some((n) => value.includes(n))) {
            found.push(`${name}.${column}`);
          }
        }
      }
    }
    return found;
  } finally {
    sqlite.close();
  }
}

/** A stretch from the middle of a blob: enough to recognise it, short enough to find in pages. */
const middleOf = (blob: string) => blob.slice(blob.length / 2 - 32, blob.length / 2 + 32);

describe('key.destroy with real agents', { timeout: 180_000 }, () => {
  for (const scheme of ['frost-secp256k1', DKLS] as const) {
    it(`${scheme}: every holder deletes its share and signs that it did; the key signs no more`, async () => {
      await using server = await startTestServer();
      pool = new AgentPool(server);
      const names = ['alice', 'bob', 'dave'];
      const agents = await pool.agentsNamed(names);
      const coordinator = await pool.client('carol', 'coordinator');
      const { keyId, view: keygen } = await completedKeygen(coordinator, names, 2, scheme);
      for (const agent of agents) expect(filesNaming(agent, keyId)).toHaveLength(1);
      const signing =
        scheme === DKLS
          ? { keyId, digest: hex(sha256(Uint8Array.of(1))), participants: names.slice(0, 2) }
          : { keyId, message: 'aa', participants: names.slice(0, 2) };
      const signed = await startSign(coordinator, signing);
      expect((await followSession(coordinator, signed.session.id)).state).toBe('completed');

      // The blobs are in their rows and also in the keygen's and the signing's snapshots and the
      // signing's invitations, until the key is destroyed.
      const blobs = escrowBlobs(server, keyId);
      expect(blobs).toHaveLength(3);
      const needles = blobs.map(middleOf);
      expect(new Set(cellsContaining(server, needles))).toEqual(
        new Set(['sessions.snapshot', 'session_events.payload', 'escrows.blob']),
      );

      const { session } = await startDestroy(coordinator, { keyId });
      const destroyed = await followSession(coordinator, session.id);
      expect(destroyed.state, JSON.stringify(destroyed.error)).toBe('completed');

      // Each acknowledgement is its holder's identity signature over the statement.
      const result = destroyed.result as {
        keyId: string;
        epoch: number;
        acknowledgements: Array<{ participant: string; signature: string }>;
      };
      expect(result).toMatchObject({ keyId, epoch: 1 });
      expect(result.acknowledgements.map((a) => a.participant)).toEqual(names);
      const digest = sha256(destroyStatement(keyId, 1));
      for (const ack of result.acknowledgements) {
        const agent = agents.find((a) => a.name === ack.participant)!;
        const sig = unhex(ack.signature);
        const der = derSignature(
          BigInt('0x' + hex(sig.subarray(0, 32))),
          BigInt('0x' + hex(sig.subarray(32))),
        );
        expect(await opensslVerifyEcdsa(publicKeyOf(agent.secretKey), digest, der)).toBe(true);
        const other = agents.find((a) => a !== agent)!;
        expect(await opensslVerifyEcdsa(publicKeyOf(other.secretKey), digest, der)).toBe(false);
      }

      // Nothing of the key is left: no share on disk under its id or its keygen's, no escrow row.
      for (const agent of agents) {
        expect(filesNaming(agent, keyId), agent.name).toEqual([]);
        expect(filesNaming(agent, keygen.id), agent.name).toEqual([]);
        expect(agent.events).toContainEqual({
          type: 'key_destroyed',
          keyId,
          sessionId: session.id,
        });
      }
      expect(escrowBlobs(server, keyId)).toEqual([]);
      expect(cellsContaining(server, needles)).toEqual([]);

      const key = await coordinator.key.get.query({ keyId });
      expect(key).toMatchObject({ status: 'destroyed', epoch: 1 });
      expect(await appCode(startSign(coordinator, signing))).toBe('KEY_DESTROYED');
      expect(await appCode(startDestroy(coordinator, { keyId }))).toBe('KEY_DESTROYED');

      const history = await coordinator.key.history.query({ keyId });
      expect(history.map((s) => [s.kind, s.state])).toEqual([
        ['destroy', 'completed'],
        [keygen.kind, 'completed'],
      ]);

      // Nor in the file's free pages: once the server closes (and checkpoints), no byte of a
      // blob's middle is left in the database file.
      await server.close();
      const bytes = fs.readFileSync(databaseFile(server));
      for (const needle of needles) expect(bytes.includes(Buffer.from(needle))).toBe(false);
      expect(fs.existsSync(databaseFile(server) + '-wal')).toBe(false);
    });
  }
});
