// SHA-256 for the secp256k1 and P-256 suites through node:crypto (OpenSSL), and RFC 9380
// hash_to_field over it (RFC 9591 §6.4/§6.5 H1–H3): the hashes are a good part of a keygen's
// cost in JavaScript. Checked against the RFC 9591 and ZF vectors (test/protocol).
import { createHash } from 'node:crypto';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest().buffer.slice(0));
}

const Z_PAD = new Uint8Array(64);
/** I2OSP(48, 2) || I2OSP(0, 1): L = 48 bytes of output, then b_0's counter. */
const LENGTH_AND_ZERO = Uint8Array.of(0, 48, 0);

/**
 * RFC 9380 hash_to_field(msg, 1) with expand_message_xmd(SHA-256), L = 48 (k = 128 for a 256-bit
 * order): OS2IP(uniform_bytes) mod order.
 */
export function hashToScalarXmd(order: bigint) {
  return (msg: Uint8Array, dst: Uint8Array): bigint => {
    if (dst.length > 255) throw new Error('DST longer than 255 bytes');
    const dstPrime = Uint8Array.of(...dst, dst.length);
    const b0 = sha256(Z_PAD, msg, LENGTH_AND_ZERO, dstPrime);
    const b1 = sha256(b0, Uint8Array.of(1), dstPrime);
    const b2 = sha256(
      b0.map((x, i) => x ^ b1[i]!),
      Uint8Array.of(2),
      dstPrime,
    );
    const hex = Buffer.from(b1).toString('hex') + Buffer.from(b2.subarray(0, 16)).toString('hex');
    return BigInt('0x' + hex) % order;
  };
}
