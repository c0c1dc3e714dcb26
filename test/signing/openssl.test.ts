import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { hasHighS } from '../../protocol/ecdsa/signature.js';
import { base64Encode } from '../../protocol/encoding.js';
import { isProofChallenge } from '../../protocol/legacy.js';
import { startTestServer, tempDir } from '../support/server.js';
import { b64, isConnected, postSign, RawLegacyClient, unb64, waitFor } from '../support/signing.js';

/** A secp256k1 key held by the `openssl` command line: a foreign implementation. */
class OpensslKey {
  private readonly dir = tempDir('sigsocket-openssl-');
  private readonly pem = path.join(this.dir, 'key.pem');
  private count = 0;

  constructor() {
    execFileSync('openssl', [
      'ecparam',
      '-name',
      'secp256k1',
      '-genkey',
      '-noout',
      '-out',
      this.pem,
    ]);
  }

  /** The 33-byte compressed SEC1 key: the tail of the SubjectPublicKeyInfo openssl writes. */
  publicKey(): Uint8Array {
    const spki = execFileSync(
      'openssl',
      ['ec', '-in', this.pem, '-pubout', '-conv_form', 'compressed', '-outform', 'DER'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    return new Uint8Array(spki.subarray(spki.length - 33));
  }

  /** `openssl dgst -sha256 -sign`: DER, random k, S not normalised (high half the time). */
  sign(message: Uint8Array): Uint8Array {
    const file = path.join(this.dir, `m${this.count++}.bin`);
    fs.writeFileSync(file, message);
    return new Uint8Array(execFileSync('openssl', ['dgst', '-sha256', '-sign', this.pem, file]));
  }
}

describe('a foreign signer using the openssl command line', () => {
  it('introduces its key, proves possession and signs with DER signatures, high-S or not', async () => {
    await using server = await startTestServer();
    const key = new OpensslKey();
    const publicKey = key.publicKey();
    const publicKeyHex = Buffer.from(publicKey).toString('hex');
    const client = new RawLegacyClient(server.wsUrl);
    await client.opened;
    client.send(base64Encode(publicKey));
    const challenge = await client.next();
    expect(isProofChallenge(challenge)).toBe(true);
    client.respond(challenge, key.sign(challenge));
    await waitFor(() => isConnected(server.url, publicKeyHex), 'registration');

    const token = await server.token('carol', 'coordinator');
    const seen = { high: 0, low: 0 };
    for (let i = 0; i < 40 && (seen.high < 2 || seen.low < 2); i++) {
      const message = new TextEncoder().encode(`openssl message ${i}`);
      const call = postSign(server.url, { public_key: publicKeyHex, message: b64(message) }, token);
      const received = await client.next();
      const der = key.sign(received);
      expect(der[0]).toBe(0x30);
      client.respond(received, der);
      const result = await call;
      expect(result.status).toBe(200);
      expect(unb64(result.body.response!)).toEqual(message);
      expect(unb64(result.body.signature!)).toEqual(der);
      const compact = secp256k1.Signature.fromBytes(der, 'der').toBytes('compact');
      seen[hasHighS(compact) ? 'high' : 'low']++;
    }
    expect(seen.high).toBeGreaterThanOrEqual(2);
    expect(seen.low).toBeGreaterThanOrEqual(2);
    await client.close();
  });
});
