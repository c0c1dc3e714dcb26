import fs from 'node:fs';
import path from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readCommitmentLog } from '../../client/participant/commitment-log.js';
import { Keystore } from '../../client/participant/keystore.js';
import { NonceStore } from '../../client/participant/nonce-store.js';
import { InboxCursor } from '../../client/participant/cursor.js';
import { tempDir } from '../support/server.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const newKey = () => secp256k1.utils.randomSecretKey();
const SHARE = '1f'.repeat(32);
const Secret = z.object({ secret: z.string() });

describe('participant keystore', () => {
  it('seals records in private files that only the same identity key opens, under the same name', () => {
    const dir = path.join(tempDir(), 'ks');
    const key = newKey();
    const store = Keystore.open(dir, key);
    store.write('key', 'key_1', { secret: SHARE });
    const file = store.path('key', 'key_1');
    expect(mode(dir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(mode(path.join(dir, 'keystore.json'))).toBe(0o600);
    expect(fs.readFileSync(file).toString('hex')).not.toContain(Buffer.from(SHARE).toString('hex'));
    expect(Keystore.open(dir, key).read('key', 'key_1', Secret)).toEqual({ secret: SHARE });
    expect(store.list('key')).toEqual(['key_1']);

    // Another identity key: the whole keystore is refused.
    expect(() => Keystore.open(dir, newKey())).toThrow(
      expect.objectContaining({ code: 'IDENTITY_MISMATCH' }),
    );
    // A record copied under another name does not open; neither does an altered one.
    fs.copyFileSync(file, store.path('key', 'key_2'));
    expect(() => store.read('key', 'key_2', Secret)).toThrow(
      expect.objectContaining({ code: 'CORRUPT' }),
    );
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    fs.writeFileSync(file, bytes);
    expect(() => store.read('key', 'key_1', Secret)).toThrow(
      expect.objectContaining({ code: 'CORRUPT' }),
    );

    store.remove('key', 'key_1');
    store.remove('key', 'key_1');
    expect(store.read('key', 'key_1', Secret)).toBeUndefined();
    expect(() => store.path('key', '../escape')).toThrow(
      expect.objectContaining({ code: 'INVALID_RECORD_ID' }),
    );
  });

  it('keeps invitations open in memory only while their file is unchanged', () => {
    const dir = path.join(tempDir(), 'ks');
    const key = newKey();
    const store = Keystore.open(dir, key);
    store.write('session', 's_1', { secret: 'first' });
    expect(store.read('session', 's_1', Secret)).toEqual({ secret: 'first' });
    // Another writer (a second process, a restore by hand) replaces the file: the change shows.
    Keystore.open(dir, key).write('session', 's_1', { secret: 'second' });
    expect(store.read('session', 's_1', Secret)).toEqual({ secret: 'second' });
    // An altered file is refused, not answered from memory; a deleted one is gone.
    const file = store.path('session', 's_1');
    fs.appendFileSync(file, Uint8Array.of(0));
    expect(() => store.read('session', 's_1', Secret)).toThrow(
      expect.objectContaining({ code: 'CORRUPT' }),
    );
    fs.rmSync(file);
    expect(store.read('session', 's_1', Secret)).toBeUndefined();
    store.write('session', 's_1', { secret: 'third' });
    expect(store.read('session', 's_1', Secret)).toEqual({ secret: 'third' });
  });

  it('hands out nonces once: stored and logged before commitments go out, gone before the share', () => {
    const dir = tempDir();
    const store = Keystore.open(dir, newKey());
    const nonces = new NonceStore(store);
    const signingShare = secp256k1.utils.randomSecretKey();
    const shareHex = Buffer.from(signingShare).toString('hex');

    const c1 = nonces.fresh('frost-secp256k1', shareHex, 'sg_1', 1);
    expect(nonces.existing('sg_1', 1)).toEqual(c1);
    expect(readCommitmentLog(dir)).toEqual([
      expect.objectContaining({ sessionId: 'sg_1', commitRound: 1, ...c1 }),
    ]);

    const used: unknown[] = [];
    expect(nonces.consume('sg_1', 1, (n, c) => (used.push(n), c))).toEqual(c1);
    expect(used).toHaveLength(1);
    expect(fs.existsSync(store.path('nonces', 'sg_1@1'))).toBe(false);
    expect(nonces.consume('sg_1', 1, () => 'again')).toBeUndefined();

    // A signer that throws still loses the nonces.
    nonces.fresh('frost-secp256k1', shareHex, 'sg_1', 2);
    expect(() =>
      nonces.consume('sg_1', 2, () => {
        throw new Error('bad package');
      }),
    ).toThrow('bad package');
    expect(nonces.existing('sg_1', 2)).toBeUndefined();

    // Superseded rounds are dropped; a nonce file that does not open counts as lost.
    nonces.fresh('frost-secp256k1', shareHex, 'sg_1', 3);
    const c4 = nonces.fresh('frost-secp256k1', shareHex, 'sg_1', 4);
    nonces.discardOtherRounds('sg_1', 4);
    expect(store.list('nonces')).toEqual(['sg_1@4']);
    fs.writeFileSync(store.path('nonces', 'sg_1@4'), 'garbage');
    expect(nonces.existing('sg_1', 4)).toBeUndefined();
    expect(store.list('nonces')).toEqual([]);

    const logged = readCommitmentLog(dir).map((e) => e.hiding + e.binding);
    expect(logged).toHaveLength(4);
    expect(new Set(logged).size).toBe(4);
    expect(logged).toContain(c4.hiding + c4.binding);
  });

  it('resumes the inbox after the last contiguous handled event and skips those handled above it', () => {
    const dir = tempDir();
    const cursor = new InboxCursor(dir);
    expect(cursor.lastEventId).toBeUndefined();
    for (const id of [5, 6, 7]) {
      expect(cursor.classify(id)).toBe('new');
      cursor.received(id);
    }
    expect(cursor.classify(6)).toBe('duplicate');
    cursor.handled(5);
    cursor.handled(7); // 6 (another session) is still running
    expect(cursor.lastEventId).toBe('5');

    const restarted = new InboxCursor(dir);
    expect(restarted.lastEventId).toBe('5');
    expect(restarted.classify(5)).toBe('duplicate');
    expect(restarted.classify(6)).toBe('new');
    expect(restarted.classify(7)).toBe('replayed');
    restarted.received(6);
    restarted.handled(6);
    restarted.received(8);
    restarted.handled(8);
    expect(new InboxCursor(dir).lastEventId).toBe('8');
    expect(new InboxCursor(dir).classify(7)).toBe('duplicate');
    // Overwritten in place: a shorter state is padded with spaces and still parses.
    const file = path.join(dir, 'cursor.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      lastEventId: '8',
      handledAbove: [],
    });
    expect(mode(file)).toBe(0o600);
  });
});
