// Signature encodings accepted from signers: 64-byte compact r||s or DER, with either S.
// Everything is normalised here, once, to compact low-S, so each verifier backend only has to
// do the strict curve check.
import { secp256k1 } from '@noble/curves/secp256k1.js';

/** secp256k1 group order n and n/2, big-endian. */
const ORDER = Buffer.from(
  'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141',
  'hex',
);
const HALF_ORDER = Buffer.from(
  '7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0',
  'hex',
);
const N = BigInt('0x' + ORDER.toString('hex'));
const ZERO = Buffer.alloc(32);

function scalarInRange(bytes: Buffer): boolean {
  return !bytes.equals(ZERO) && Buffer.compare(bytes, ORDER) < 0;
}

/** 64-byte compact r||s → low-S compact (a copy), or null when r or s is out of range. */
function normaliseCompact(sig: Uint8Array): Uint8Array | null {
  const buf = Buffer.from(sig.buffer, sig.byteOffset, 64);
  const r = buf.subarray(0, 32);
  const s = buf.subarray(32, 64);
  if (!scalarInRange(r) || !scalarInRange(s)) return null;
  const out = new Uint8Array(64);
  out.set(sig.subarray(0, 64));
  if (Buffer.compare(s, HALF_ORDER) > 0) {
    const low = N - BigInt('0x' + s.toString('hex'));
    out.set(Buffer.from(low.toString(16).padStart(64, '0'), 'hex'), 32);
  }
  return out;
}

/** Strict DER (as noble parses it) → low-S compact, or null. */
function normaliseDer(sig: Uint8Array): Uint8Array | null {
  if (sig.length < 8 || sig.length > 72 || sig[0] !== 0x30) return null;
  try {
    const parsed = secp256k1.Signature.fromBytes(sig, 'der');
    return normaliseCompact(parsed.toBytes('compact'));
  } catch {
    return null;
  }
}

/**
 * The compact low-S forms a received signature may stand for: a 64-byte input is read as
 * compact first and, in the (astronomically rare) case it is also well-formed DER, as DER too.
 * Empty when the bytes are neither.
 */
export function signatureCandidates(sig: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (sig.length === 64) {
    const compact = normaliseCompact(sig);
    if (compact) out.push(compact);
  }
  const der = normaliseDer(sig);
  if (der) out.push(der);
  return out;
}

/** True when the bytes are a well-formed signature encoding (compact or DER, in range). */
export function isSignatureEncoding(sig: Uint8Array): boolean {
  return signatureCandidates(sig).length > 0;
}

/** True when a 64-byte compact signature has S above n/2 (malleated form). */
export function hasHighS(compact: Uint8Array): boolean {
  const s = Buffer.from(compact.buffer, compact.byteOffset + 32, 32);
  return Buffer.compare(s, HALF_ORDER) > 0;
}
