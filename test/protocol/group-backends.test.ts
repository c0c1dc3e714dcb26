// What test/protocol/group-equivalence.test.ts does not cover: the ZF vector values on both
// backends, end-to-end encryption across backends, and SIGSOCKET_GROUP_BACKEND in a fresh process
// (docs/protocol.md, Group backends).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptShare, encryptShare } from '../../protocol/e2e.js';
import { secp256k1Group, useSecp256k1Backend } from '../../protocol/group/secp256k1.js';
import { nativeSecp256k1 } from '../../protocol/group/secp256k1-native.js';
import { nobleSecp256k1 } from '../../protocol/group/secp256k1-noble.js';

const run = promisify(execFile);
const backends = [nobleSecp256k1, nativeSecp256k1()!] as const;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const scalar = (h: string) => BigInt('0x' + h);

describe('secp256k1 group backends, further', () => {
  const previous = secp256k1Group.backend;
  afterEach(() => {
    useSecp256k1Backend(previous);
  });

  it('gives the ZF vector values (key, verifying shares, commitments) on both backends', () => {
    const v = JSON.parse(
      fs.readFileSync(
        new URL('./vectors/zf-frost-secp256k1-vectors.json', import.meta.url),
        'utf8',
      ),
    ) as {
      inputs: { group_secret_key: string; verifying_key_key: string };
      round_one_outputs: {
        outputs: {
          hiding_nonce: string;
          binding_nonce: string;
          hiding_nonce_commitment: string;
          binding_nonce_commitment: string;
        }[];
      };
    };
    expect(backends[1]).toBeTruthy();
    for (const g of backends) {
      expect(hex(g.BASE.multiply(scalar(v.inputs.group_secret_key)).toBytes())).toBe(
        v.inputs.verifying_key_key,
      );
      for (const o of v.round_one_outputs.outputs) {
        expect(hex(g.BASE.multiply(scalar(o.hiding_nonce)).toBytes())).toBe(
          o.hiding_nonce_commitment,
        );
        expect(hex(g.BASE.multiply(scalar(o.binding_nonce)).toBytes())).toBe(
          o.binding_nonce_commitment,
        );
      }
    }
  });

  it('a share encrypted on one backend decrypts on the other', () => {
    const [a, b] = ['11'.repeat(32), '22'.repeat(32)];
    const ctx = { sessionId: 's1', sender: 'alice', recipient: 'bob' };
    const share = '33'.repeat(32);
    for (const [from, to] of [
      ['noble', 'libsecp256k1'],
      ['libsecp256k1', 'noble'],
    ] as const) {
      useSecp256k1Backend(from);
      const bobPub = hex(secp256k1Group.publicKey(Buffer.from(b, 'hex')));
      const alicePub = hex(secp256k1Group.publicKey(Buffer.from(a, 'hex')));
      const ciphertext = encryptShare({
        ...ctx,
        senderSecretKey: a,
        recipientPublicKey: bobPub,
        share,
      });
      useSecp256k1Backend(to);
      expect(
        decryptShare({ ...ctx, recipientSecretKey: b, senderPublicKey: alicePub, ciphertext }),
      ).toBe(share);
    }
  });

  it('SIGSOCKET_GROUP_BACKEND picks the backend of a fresh process; a bogus value fails', async () => {
    const script = 'test/protocol/support/print-group-backend.ts';
    for (const name of ['noble', 'libsecp256k1']) {
      const { stdout } = await run('npx', ['tsx', script], {
        env: { ...process.env, SIGSOCKET_GROUP_BACKEND: name },
      });
      expect(stdout.trim()).toBe(name);
    }
    await expect(
      run('npx', ['tsx', script], { env: { ...process.env, SIGSOCKET_GROUP_BACKEND: 'bogus' } }),
    ).rejects.toThrow(/SIGSOCKET_GROUP_BACKEND must be noble or libsecp256k1, got bogus/);
  }, 60_000);
});
