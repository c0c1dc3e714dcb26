// Signature verifiers that share no code with noble's FROST module, so a test that checks what the
// product reports with them cannot be fooled by a bug the product and its library have in common:
// Ed25519 / Ed448 and secp256k1 ECDSA through the real OpenSSL binary, P-256 and ristretto255
// through RFC 9591 §6's prime-order verification written here on bare group operations.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import {
  bytesToNumberBE,
  bytesToNumberLE,
  concatBytes,
  hexToBytes,
  numberToBytesBE,
} from '@noble/curves/utils.js';

const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// OpenSSL (Ed25519, Ed448)

export type EdCurve = 'ed25519' | 'ed448';

// SPKI DER up to the raw key: SEQUENCE { SEQUENCE { OID 1.3.101.112 | .113 }, BIT STRING (key) }.
const spkiPrefix: Record<EdCurve, string> = {
  ed25519: '302a300506032b6570032100',
  ed448: '3043300506032b6571033a00',
};
const keyBytes: Record<EdCurve, number> = { ed25519: 32, ed448: 57 };

let opensslChecked: Promise<void> | undefined;

/** Fails loudly when no OpenSSL 3 is on the PATH: a missing verifier must never pass a test. */
function assertOpenssl3(): Promise<void> {
  opensslChecked ??= run('openssl', ['version']).then(
    ({ stdout }) => {
      if (!/^OpenSSL 3\./.test(stdout)) {
        throw new Error(`OpenSSL 3 is required to verify signatures, found: ${stdout.trim()}`);
      }
    },
    (err: unknown) => {
      throw new Error(`OpenSSL 3 is required to verify signatures: ${String(err)}`);
    },
  );
  return opensslChecked;
}

function toPem(curve: EdCurve, publicKey: Uint8Array): string {
  // Checked here because OpenSSL ignores bytes after the DER: a 33-byte "Ed25519 key" would verify
  // under its first 32 bytes.
  if (publicKey.length !== keyBytes[curve]) {
    throw new Error(
      `${curve} public key must be ${keyBytes[curve]} bytes, got ${publicKey.length}`,
    );
  }
  const der = Buffer.concat([Buffer.from(spkiPrefix[curve], 'hex'), publicKey]);
  const body = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN PUBLIC KEY-----\n${body}-----END PUBLIC KEY-----\n`;
}

interface ExecFailure {
  code?: unknown;
  stdout?: unknown;
  stderr?: unknown;
}

/**
 * Verifies a raw RFC 8032 signature with `openssl pkeyutl -verify`. True iff OpenSSL verifies it,
 * false iff OpenSSL reports a verification failure; any other outcome (no OpenSSL, a key OpenSSL
 * cannot read, a key of the wrong length) throws.
 */
export async function opensslVerifyEd(
  curve: EdCurve,
  publicKeyHex: string,
  messageHex: string,
  signatureHex: string,
): Promise<boolean> {
  await assertOpenssl3();
  const pem = toPem(curve, hexToBytes(publicKeyHex));
  const message = hexToBytes(messageHex);
  const signature = hexToBytes(signatureHex);
  const dir = await mkdtemp(path.join(tmpdir(), 'sigsocket-openssl-'));
  try {
    await Promise.all([
      writeFile(path.join(dir, 'pub.pem'), pem),
      writeFile(path.join(dir, 'msg.bin'), message),
      writeFile(path.join(dir, 'sig.bin'), signature),
    ]);
    const args = ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin'];
    args.push('-in', 'msg.bin', '-sigfile', 'sig.bin');
    try {
      const { stdout } = await run('openssl', args, { cwd: dir });
      if (stdout.includes('Signature Verified Successfully')) return true;
      throw new Error(`openssl exited 0 without verifying: ${stdout.trim()}`);
    } catch (err: unknown) {
      const { code, stdout, stderr } = err as ExecFailure;
      if (code === 1 && String(stdout).includes('Signature Verification Failure')) return false;
      if (typeof code !== 'number') throw err;
      throw new Error(`openssl pkeyutl failed (exit ${code}): ${String(stderr).trim()}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// OpenSSL (ECDSA over secp256k1, a raw 32-byte digest)

function derInteger(value: bigint): Uint8Array {
  let bytes: Uint8Array = numberToBytesBE(value, 32);
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes[0]! & 0x80) bytes = Uint8Array.of(0, ...bytes);
  return Uint8Array.of(0x02, bytes.length, ...bytes);
}
export function derSignature(r: bigint, s: bigint): Uint8Array {
  const body = Uint8Array.of(...derInteger(r), ...derInteger(s));
  return Uint8Array.of(0x30, body.length, ...body);
}
/** SPKI: SEQUENCE { SEQUENCE { id-ecPublicKey, secp256k1 }, BIT STRING (uncompressed point) }. */
function spkiPem(compressedKey: Uint8Array): string {
  const point = secp256k1.Point.fromBytes(compressedKey).toBytes(false);
  const prefix = Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex');
  const body = Buffer.concat([prefix, point])
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN PUBLIC KEY-----\n${body}-----END PUBLIC KEY-----\n`;
}
/** `openssl pkeyutl -verify` of a DER ECDSA signature over a digest: true, false, or a throw. */
export async function opensslVerifyEcdsa(
  key: Uint8Array,
  digest: Uint8Array,
  der: Uint8Array,
): Promise<boolean> {
  await assertOpenssl3();
  const dir = await mkdtemp(path.join(tmpdir(), 'sigsocket-openssl-'));
  try {
    await Promise.all([
      writeFile(path.join(dir, 'pub.pem'), spkiPem(key)),
      writeFile(path.join(dir, 'digest.bin'), digest),
      writeFile(path.join(dir, 'sig.der'), der),
    ]);
    const args = ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem'];
    args.push('-in', 'digest.bin', '-sigfile', 'sig.der');
    try {
      const { stdout } = await run('openssl', args, { cwd: dir });
      if (stdout.includes('Signature Verified Successfully')) return true;
      throw new Error(`openssl exited 0 without verifying: ${stdout.trim()}`);
    } catch (err: unknown) {
      const { code, stdout } = err as { code?: unknown; stdout?: unknown };
      if (code === 1 && String(stdout).includes('Signature Verification Failure')) return false;
      throw err;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// RFC 9591 §6 prime-order verification (P-256, ristretto255)

export type PrimeOrderSuite = 'p256' | 'ristretto255';

/** The group operations verification needs, whatever the curve. */
interface GroupPoint {
  add(other: GroupPoint): GroupPoint;
  multiplyUnsafe(scalar: bigint): GroupPoint;
  equals(other: GroupPoint): boolean;
  is0(): boolean;
  toBytes(): Uint8Array;
}

interface Suite {
  elementBytes: number;
  scalarBytes: number;
  order: bigint;
  base: GroupPoint;
  /** DeserializeElement without the identity and canonicity checks (done once, below). */
  decode(bytes: Uint8Array): GroupPoint;
  /** DeserializeScalar without the range check (done once, below). */
  scalar(bytes: Uint8Array): bigint;
  /** H2 of RFC 9591 (the challenge hash). */
  h2(msg: Uint8Array): bigint;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** RFC 9380 §5.3.1 expand_message_xmd over SHA-256 (b = 32, s = 64 bytes). */
function expandMessageXmdSha256(msg: Uint8Array, dst: Uint8Array, lenInBytes: number): Uint8Array {
  const ell = Math.ceil(lenInBytes / 32);
  if (ell > 255 || dst.length > 255) throw new Error('expand_message_xmd: input too long');
  const dstPrime = concatBytes(dst, Uint8Array.of(dst.length));
  const lenBytes = Uint8Array.of(lenInBytes >> 8, lenInBytes & 0xff);
  const b0 = sha256(concatBytes(new Uint8Array(64), msg, lenBytes, Uint8Array.of(0), dstPrime));
  const blocks = [sha256(concatBytes(b0, Uint8Array.of(1), dstPrime))];
  for (let i = 2; i <= ell; i++) {
    const prev = blocks[blocks.length - 1] as Uint8Array;
    const mixed = prev.map((byte, j) => byte ^ (b0[j] as number));
    blocks.push(sha256(concatBytes(mixed, Uint8Array.of(i), dstPrime)));
  }
  return concatBytes(...blocks).subarray(0, lenInBytes);
}

const p256Order = p256.Point.Fn.ORDER;
const ristrettoOrder = ristretto255.Point.Fn.ORDER;
const p256Chal = utf8('FROST-P256-SHA256-v1chal');
const ristrettoChal = utf8('FROST-RISTRETTO255-SHA512-v1chal');

const suites: Record<PrimeOrderSuite, Suite> = {
  p256: {
    elementBytes: 33,
    scalarBytes: 32,
    order: p256Order,
    base: p256.Point.BASE,
    // At 33 bytes fromBytes takes only the compressed SEC1 forms (02/03 prefix).
    decode: (bytes) => p256.Point.fromBytes(bytes),
    scalar: bytesToNumberBE,
    // hash_to_field(m, 1) with p = order, L = 48, DST = contextString || "chal" (RFC 9591 §6.4).
    h2: (msg) => bytesToNumberBE(expandMessageXmdSha256(msg, p256Chal, 48)) % p256Order,
  },
  ristretto255: {
    elementBytes: 32,
    scalarBytes: 32,
    order: ristrettoOrder,
    base: ristretto255.Point.BASE,
    decode: (bytes) => ristretto255.Point.fromBytes(bytes),
    scalar: bytesToNumberLE,
    // SHA-512(contextString || "chal" || m), little-endian, mod L (RFC 9591 §6.2).
    h2: (msg) => bytesToNumberLE(sha512(concatBytes(ristrettoChal, msg))) % ristrettoOrder,
  },
};

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** DeserializeElement: exact length, canonical, not the identity; throws otherwise. */
function element(suite: Suite, bytes: Uint8Array): GroupPoint {
  if (bytes.length !== suite.elementBytes) throw new Error('wrong element length');
  const point = suite.decode(bytes);
  if (point.is0()) throw new Error('identity element');
  if (!sameBytes(point.toBytes(), bytes)) throw new Error('non-canonical element');
  return point;
}

/**
 * RFC 9591 §6 signature verification for a prime-order group: with the signature R || z and
 * c = H2(R || PK || msg), accepts iff z·B == R + c·PK. False for any malformed input.
 */
export function rfcVerify(
  suiteName: PrimeOrderSuite,
  publicKeyHex: string,
  messageHex: string,
  signatureHex: string,
): boolean {
  const suite = suites[suiteName];
  try {
    const publicKeyBytes = hexToBytes(publicKeyHex);
    const msg = hexToBytes(messageHex);
    const sig = hexToBytes(signatureHex);
    if (sig.length !== suite.elementBytes + suite.scalarBytes) return false;
    const rBytes = sig.subarray(0, suite.elementBytes);
    const R = element(suite, rBytes);
    const PK = element(suite, publicKeyBytes);
    const z = suite.scalar(sig.subarray(suite.elementBytes));
    if (z >= suite.order) return false;
    const c = suite.h2(concatBytes(rBytes, publicKeyBytes, msg));
    return suite.base.multiplyUnsafe(z).equals(R.add(PK.multiplyUnsafe(c)));
  } catch {
    return false;
  }
}
