/**
 * docs/CONVENTIONS.md: logs never contain tokens, secrets, shares, nonces or escrow blobs.
 * The logger's redaction is checked directly, and a real `sigsocket serve --log-level trace` is
 * driven through everything that carries one (bearer headers, connectionParams, bad tokens,
 * legacy and typed signers, a keygen and a signing) with its whole output searched afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import { runLegacySigner } from '../../client/signer/legacy.js';
import { runSigner } from '../../client/signer/typed.js';
import { closeClient, createClient } from '../../client/trpc.js';
import { base64Encode, bytesToHex } from '../../protocol/encoding.js';
import type { DkgOutput } from '../../protocol/frost/index.js';
import { issueToken, ISSUER } from '../../server/auth/jwt.js';
import { loadOrCreateSecret } from '../../server/auth/secret.js';
import { createLogger } from '../../server/logger.js';
import { RawTrpcSocket } from '../faults/support/abuse-trpc-ws.js';
import { spawnServe } from '../support/cli.js';
import { tempDir } from '../support/server.js';
import {
  clientFor,
  closeAll,
  completedKeygen,
  failure,
  participants,
  waitForState,
  type TokenSource,
} from '../support/sessions.js';
import { b64, postSign, RawLegacyClient, testKey } from '../support/signing.js';
import type { Role } from '../../protocol/identity.js';

/** The labels of the secrets that occur in `text` (none, we hope). */
function leaked(text: string, secrets: Map<string, string>): string[] {
  return [...secrets].filter(([, value]) => text.includes(value)).map(([label]) => label);
}

describe('logs', () => {
  it('the logger redacts tokens, secret keys, shares, nonces and escrow blobs wherever a caller puts them', () => {
    let out = '';
    const log = createLogger('trace', { write: (line: string) => void (out += line) });
    const secrets = new Map([
      ['token', 'tok-1'],
      ['bearer header', 'Bearer tok-2'],
      ['connectionParams', 'tok-3'],
      ['jwt secret', 'jwt-secret-value'],
      ['secret key', 'sk-1'],
      ['signing share', 'ss-1'],
      ['round-2 share', 'r2-1'],
      ['encrypted share', 'ct-1'],
      ['signature share', 'sig-share-1'],
      ['nonces', 'nonce-1'],
      ['escrow', 'escrow-1'],
    ]);
    const get = (label: string) => secrets.get(label)!;
    log.trace(
      { token: get('token'), req: { headers: { authorization: get('bearer header') } } },
      'a',
    );
    log.debug({ info: { connectionParams: { token: get('connectionParams') } } }, 'b');
    log.info(
      { config: { jwtSecret: get('jwt secret') }, signer: { secretKey: get('secret key') } },
      'c',
    );
    log.warn({ keyShare: { signingShare: get('signing share') } }, 'd');
    log.error({ submission: { kind: 'round2', shares: { bob: get('round-2 share') } } }, 'e');
    log.info({ relay: { to: 'bob', ciphertext: get('encrypted share') } }, 'f');
    log.info({ submission: { kind: 'share', share: get('signature share') } }, 'g');
    log.info(
      { state: { nonces: { hiding: get('nonces') } }, confirm: { escrow: get('escrow') } },
      'h',
    );
    expect(out.split('\n').filter(Boolean)).toHaveLength(8);
    expect(leaked(out, secrets)).toEqual([]);
    expect(out).toContain('[redacted]');
    // Public values keep their names: only secrets are cut.
    log.info({ verifyingShares: { 1: 'vs-1' }, publicKey: 'pk-1', kind: 'round2' }, 'public');
    expect(out).toContain('vs-1');
    expect(out).toContain('pk-1');
  });

  it('a `sigsocket serve --log-level trace` run prints no token, JWT secret, secret key, share or escrow blob', async () => {
    const dataDir = tempDir();
    const jwtSecret = loadOrCreateSecret(dataDir); // the server takes the secret it finds
    const serve = await spawnServe(['--data-dir', dataDir, '--log-level', 'trace']);
    const wsUrl = serve.url.replace(/^http/, 'ws');
    const secrets = new Map<string, string>();
    const keep = (label: string, value: string) => secrets.set(label, value);
    keep('JWT secret (file)', fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8').trim());
    keep('JWT secret (base64)', base64Encode(jwtSecret));
    const server: TokenSource = {
      url: serve.url,
      token: async (sub: string, role: Role, ttl = '1h') => {
        const token = await issueToken(jwtSecret, { sub, role, ttl });
        keep(`token #${secrets.size} (${sub})`, token);
        return token;
      },
    };
    try {
      // Bad tokens: over HTTP (tRPC and POST /sign) and in connectionParams.
      const good = await server.token('carol', 'coordinator');
      const bad = new Map([
        ['tampered', good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA')],
        ['foreign', await issueToken(new Uint8Array(32).fill(7), { sub: 'carol', role: 'admin' })],
        [
          'expired',
          await new jose.SignJWT({ role: 'admin' })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('carol')
            .setIssuer(ISSUER)
            .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
            .sign(jwtSecret),
        ],
        ['not a JWT', 'not-a-jwt-but-a-secret-looking-string'],
      ]);
      for (const [label, token] of bad) {
        keep(`${label} token`, token);
        const client = createClient({ url: serve.url, token });
        expect((await failure(client.auth.whoami.query())).code).toBe('UNAUTHORIZED');
        await closeClient(client);
        expect(
          (await postSign(serve.url, { public_key: '02', message: 'AA==' }, token)).status,
        ).toBe(401);
        const socket = await RawTrpcSocket.open(wsUrl, token);
        const reply = await socket.request('query', 'auth.whoami', undefined);
        expect(reply.error?.data?.code).toBe('UNAUTHORIZED');
        await socket.close();
      }
      const socket = await RawTrpcSocket.open(wsUrl, good);
      expect((await socket.request('query', 'auth.whoami', undefined)).result?.data).toEqual({
        sub: 'carol',
        role: 'coordinator',
      });
      await socket.close();

      // A legacy signer (with proof of possession), one that mistakes its secret key for its
      // public key, and a typed signer; each signs through POST /sign and signer.sign.
      const legacyKey = testKey();
      const typedKey = testKey();
      const confusedKey = testKey();
      for (const [label, key] of [
        ['legacy', legacyKey],
        ['typed', typedKey],
      ] as const) {
        keep(`${label} signer secret key (hex)`, bytesToHex(key.secretKey));
        keep(`${label} signer secret key (base64)`, base64Encode(key.secretKey));
      }
      keep('misused secret key', bytesToHex(confusedKey.secretKey));
      const confused = new RawLegacyClient(wsUrl);
      await confused.opened;
      confused.send(bytesToHex(confusedKey.secretKey));
      expect((await confused.closed).code).toBe(4400);
      const legacy = runLegacySigner({ url: serve.url, secretKey: legacyKey.secretKey });
      const wallet = createClient({
        url: serve.url,
        token: await server.token('wallet', 'participant'),
      });
      const typed = runSigner({ url: serve.url, client: wallet, secretKey: typedKey.secretKey });
      await Promise.all([legacy.ready(), typed.ready()]);
      const coordinator = await clientFor(server, 'carol', 'coordinator');
      for (const key of [legacyKey, typedKey]) {
        const message = b64(`pay 1 to ${key.publicKey}`);
        const http = await postSign(serve.url, { public_key: key.publicKey, message }, good);
        expect(http.status).toBe(200);
        const typedCall = await coordinator.signer.sign.mutate({
          publicKey: key.publicKey,
          message,
        });
        expect(typedCall.signature.length).toBeGreaterThan(0);
      }
      await Promise.all([legacy.stop(), typed.stop()]);
      await closeClient(wallet);

      // A keygen and a signing with FROST participants: identity keys, encrypted round-2
      // shares, key shares and escrow blobs all pass through the server.
      const names = ['alice', 'bob', 'dave'];
      const parties = await participants(server, names);
      const keygen = await completedKeygen(coordinator, { threshold: 2, participants: names });
      const keyId = keygen.result!['keyId'] as string;
      const { session } = await coordinator.sign.create.mutate({
        keyId,
        message: 'ab'.repeat(32),
        participants: ['alice', 'bob'],
      });
      expect((await waitForState(coordinator, session.id)).state).toBe('completed');
      for (const p of parties) {
        keep(`${p.name} identity secret key`, bytesToHex(p.secretKey));
        keep(`${p.name} signing share`, (p.keys.get(keyId) as DkgOutput).signingShare);
        for (const event of p.received) {
          const payload = event.payload as {
            escrow?: string | null;
            shares?: Array<{ from: string; ciphertext: string }>;
          };
          if (event.type === 'sign_invite' && payload.escrow) {
            keep(`${p.name} escrow blob`, payload.escrow);
          }
          if (event.type === 'round2_shares') {
            for (const s of payload.shares ?? []) {
              keep(`share ${s.from} → ${p.name}`, s.ciphertext);
            }
          }
        }
      }
      expect([...secrets.keys()].filter((l) => l.includes('escrow'))).toHaveLength(2);
      expect([...secrets.keys()].filter((l) => l.startsWith('share '))).toHaveLength(6);
    } finally {
      await closeAll();
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    const output = serve.output();
    // The run was logged at all levels it uses (so the search below means something) ...
    expect(output).toContain('"msg":"signer registered"');
    expect(output).toContain('"msg":"closing legacy connection"');
    expect(output).toContain('"msg":"sigsocket stopped"');
    // ... and none of its secrets is in it, nor in the audit log (docs/sessions.md).
    expect(leaked(output, secrets)).toEqual([]);
    const db = new Database(path.join(dataDir, 'sigsocket.db'), { readonly: true });
    const audit = JSON.stringify(db.prepare('select * from audit_log').all());
    db.close();
    expect(audit).toContain('"action":"session.submit"');
    expect(leaked(audit, secrets)).toEqual([]);
  });
});
