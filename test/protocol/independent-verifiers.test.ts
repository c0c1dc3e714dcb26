// The independent verifiers of test/support accept RFC 9591's vectors and fresh noble FROST
// signatures, and reject every altered or malformed one, so the tests that rely on them can fail.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ed25519, ed25519_FROST, ristretto255, ristretto255_FROST } from '@noble/curves/ed25519.js';
import { ed448, ed448_FROST } from '@noble/curves/ed448.js';
import { p256, p256_FROST } from '@noble/curves/nist.js';
import { bytesToNumberLE, numberToBytesLE, randomBytes } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../protocol/encoding.js';
import {
  opensslVerifyEd,
  rfcVerify,
  type EdCurve,
  type PrimeOrderSuite,
} from '../support/independent-verifiers.js';

type SuiteName = EdCurve | PrimeOrderSuite;

const verify = (suite: SuiteName, publicKey: string, message: string, signature: string) =>
  suite === 'ed25519' || suite === 'ed448'
    ? opensslVerifyEd(suite, publicKey, message, signature)
    : Promise.resolve(rfcVerify(suite, publicKey, message, signature));

const frost = {
  ed25519: ed25519_FROST,
  ed448: ed448_FROST,
  p256: p256_FROST,
  ristretto255: ristretto255_FROST,
} as const;

/** A group public key unrelated to the vectors, in the suite's encoding. */
function otherKey(suite: SuiteName): string {
  switch (suite) {
    case 'ed25519':
      return bytesToHex(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));
    case 'ed448':
      return bytesToHex(ed448.getPublicKey(ed448.utils.randomSecretKey()));
    case 'p256':
      return bytesToHex(p256.getPublicKey(p256.utils.randomSecretKey(), true));
    case 'ristretto255':
      return bytesToHex(ristretto255.Point.BASE.multiply(7n).toBytes());
  }
}

/** Flips one bit of byte `at` of a hex string. */
const flipBit = (hex: string, at: number): string =>
  hex.slice(0, at * 2) +
  (parseInt(hex.slice(at * 2, at * 2 + 2), 16) ^ 0x10).toString(16).padStart(2, '0') +
  hex.slice(at * 2 + 2);

// RFC 9591 Appendix E vectors (CFRG proof of concept): the repository copy when there is one.
const vectorDirs = [
  fileURLToPath(new URL('./vectors', import.meta.url)),
  '/work/shared/vectors',
] as const;
function loadVector(file: string): {
  inputs: { group_public_key: string; message: string };
  final_output: { sig: string };
} {
  const dir = vectorDirs.find((d) => existsSync(path.join(d, file)));
  if (!dir) throw new Error(`vector ${file} not found in ${vectorDirs.join(' or ')}`);
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
}

const vectorFiles: Record<SuiteName, string> = {
  p256: 'cfrg-poc-frost-p256-sha256.json',
  ristretto255: 'cfrg-poc-frost-ristretto255-sha512.json',
  ed25519: 'cfrg-poc-frost-ed25519-sha512.json',
  ed448: 'cfrg-poc-frost-ed448-shake256.json',
};
const suiteNames = Object.keys(vectorFiles) as SuiteName[];

describe.each(suiteNames)('%s', (suite) => {
  const vector = loadVector(vectorFiles[suite]);
  const { group_public_key: publicKey, message } = vector.inputs;
  const { sig } = vector.final_output;
  const elementBytes = { ed25519: 32, ed448: 57, p256: 33, ristretto255: 32 }[suite];

  it('accepts the RFC 9591 vector signature', async () => {
    expect(await verify(suite, publicKey, message, sig)).toBe(true);
  });

  it('rejects the vector signature with a flipped bit in R or in z', async () => {
    expect(await verify(suite, publicKey, message, flipBit(sig, 5))).toBe(false);
    expect(await verify(suite, publicKey, message, flipBit(sig, elementBytes + 5))).toBe(false);
  });

  it('rejects the vector signature over another message or under another key', async () => {
    expect(await verify(suite, publicKey, message + '00', sig)).toBe(false);
    expect(await verify(suite, otherKey(suite), message, sig)).toBe(false);
  });

  it('accepts a fresh 2-of-3 noble FROST signature over a random message', async () => {
    const f = frost[suite];
    const deal = f.trustedDealer({ min: 2, max: 3 });
    const signers = Object.values(deal.secretShares).slice(0, 2);
    const msg = randomBytes(40);
    const rounds = signers.map((secret) => ({ secret, ...f.commit(secret) }));
    const commitments = rounds.map((r) => r.commitments);
    const shares = Object.fromEntries(
      rounds.map((r) => [
        r.secret.identifier,
        f.signShare(r.secret, deal.public, r.nonces, commitments, msg),
      ]),
    );
    const signature = f.aggregate(deal.public, commitments, msg, shares);
    const groupKey = bytesToHex(deal.public.commitments[0] as Uint8Array);
    expect(await verify(suite, groupKey, bytesToHex(msg), bytesToHex(signature))).toBe(true);
    expect(await verify(suite, groupKey, bytesToHex(randomBytes(40)), bytesToHex(signature))).toBe(
      false,
    );
  });
});

describe('opensslVerifyEd', () => {
  const secretKey = ed25519.utils.randomSecretKey();
  const publicKey = bytesToHex(ed25519.getPublicKey(secretKey));
  const message = randomBytes(100);
  const signature = bytesToHex(ed25519.sign(message, secretKey));

  it('accepts a plain RFC 8032 Ed25519 signature and rejects a wrong one', async () => {
    expect(await opensslVerifyEd('ed25519', publicKey, bytesToHex(message), signature)).toBe(true);
    const wrong = bytesToHex(ed25519.sign(randomBytes(100), secretKey));
    expect(await opensslVerifyEd('ed25519', publicKey, bytesToHex(message), wrong)).toBe(false);
  });

  it('throws, rather than answering, for a key of the wrong length', async () => {
    await expect(
      opensslVerifyEd('ed25519', publicKey + '00', bytesToHex(message), signature),
    ).rejects.toThrow(/must be 32 bytes/);
    await expect(
      opensslVerifyEd('ed448', publicKey, bytesToHex(message), signature),
    ).rejects.toThrow(/must be 57 bytes/);
  });

  it('leaves no temporary directory behind', async () => {
    const ours = () => readdirSync(tmpdir()).filter((d) => d.startsWith('sigsocket-openssl-'));
    const before = ours().length;
    await opensslVerifyEd('ed25519', publicKey, bytesToHex(message), signature);
    await opensslVerifyEd('ed25519', publicKey, '00', signature);
    expect(ours().length).toBe(before);
  });
});

describe('rfcVerify rejects what RFC 9591 DeserializeElement / DeserializeScalar reject', () => {
  const L = ristretto255.Point.Fn.ORDER;
  const B = ristretto255.Point.BASE;
  const chal = new TextEncoder().encode('FROST-RISTRETTO255-SHA512-v1chal');
  const c = (r: Uint8Array, pk: Uint8Array, m: Uint8Array) =>
    bytesToNumberLE(sha512(new Uint8Array([...chal, ...r, ...pk, ...m]))) % L;
  const sk = 12345n;
  const pk = B.multiply(sk).toBytes();
  const msg = randomBytes(16);
  const identity = new Uint8Array(32);

  it('a ristretto255 signature it makes by hand verifies (so the rejections below mean something)', () => {
    const k = 777n;
    const R = B.multiply(k).toBytes();
    const z = (k + c(R, pk, msg) * sk) % L;
    const sig = bytesToHex(R) + bytesToHex(numberToBytesLE(z, 32));
    expect(rfcVerify('ristretto255', bytesToHex(pk), bytesToHex(msg), sig)).toBe(true);
    // z + L is the same scalar mod L but not a canonical encoding.
    const zPlusL = bytesToHex(R) + bytesToHex(numberToBytesLE(z + L, 32));
    expect(rfcVerify('ristretto255', bytesToHex(pk), bytesToHex(msg), zPlusL)).toBe(false);
  });

  it('the identity as group key, which every z·B || z would satisfy', () => {
    const z = 42n;
    const sig = bytesToHex(B.multiply(z).toBytes()) + bytesToHex(numberToBytesLE(z, 32));
    expect(rfcVerify('ristretto255', bytesToHex(identity), bytesToHex(msg), sig)).toBe(false);
  });

  it('the identity as R, with z = c·sk that satisfies the equation', () => {
    const z = (c(identity, pk, msg) * sk) % L;
    const sig = bytesToHex(identity) + bytesToHex(numberToBytesLE(z, 32));
    expect(rfcVerify('ristretto255', bytesToHex(pk), bytesToHex(msg), sig)).toBe(false);
  });

  it('a P-256 key given uncompressed, and wrong lengths, and bad hex, without throwing', () => {
    const vector = loadVector(vectorFiles.p256);
    const { group_public_key: key, message } = vector.inputs;
    const { sig } = vector.final_output;
    const uncompressed = bytesToHex(p256.Point.fromHex(key).toBytes(false));
    expect(rfcVerify('p256', uncompressed, message, sig)).toBe(false);
    expect(rfcVerify('p256', key, message, sig + '00')).toBe(false);
    expect(rfcVerify('p256', key, message, sig.slice(0, -2))).toBe(false);
    expect(rfcVerify('p256', key, message, 'zz' + sig.slice(2))).toBe(false);
    expect(rfcVerify('p256', '00'.repeat(33), message, sig)).toBe(false);
    const n = p256.Point.Fn.ORDER.toString(16).padStart(64, '0');
    expect(rfcVerify('p256', key, message, sig.slice(0, 66) + n)).toBe(false);
  });
});
