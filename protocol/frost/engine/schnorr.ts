/**
 * The Schnorr signature under FROST (RFC 9591 §4.6 challenge, App. A encoding, prime-order
 * verification), with the BIP340 conventions of the even-Y suites.
 *
 * @module
 */
import type { GroupElement } from '../suite.js';
import type { Ciphersuite } from './ciphersuite.js';

export const concatBytes = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** The element with even Y for BIP340 suites (P or −P), P itself otherwise. */
export function evenKey(suite: Ciphersuite, P: GroupElement): GroupElement {
  return suite.evenY && !suite.evenY.hasEvenY(P) ? P.negate() : P;
}

/** RFC 9591 §4.6 compute_challenge: H2(R || PK || msg); BIP340 suites: their own. */
export function challenge(
  suite: Ciphersuite,
  R: GroupElement,
  PK: GroupElement,
  msg: Uint8Array,
): bigint {
  if (suite.evenY) return suite.evenY.challenge(R, PK, msg);
  return suite.hashes.H2(concatBytes(R.toBytes(), PK.toBytes(), msg));
}

/** SerializeElement(R) || SerializeScalar(z) (BIP340 suites: x(R) || z). */
export function encodeSignature(suite: Ciphersuite, R: GroupElement, z: bigint): Uint8Array {
  return concatBytes(suite.commitmentToBytes(R), suite.scalarToBytes(z));
}

/** R and z of a signature or proof; throws on a wrong size, an invalid R or z ≥ order. */
export function decodeSignature(suite: Ciphersuite, bytes: Uint8Array) {
  if (bytes.length !== suite.signatureBytes) {
    throw new Error(`expected a ${suite.signatureBytes}-byte signature, got ${bytes.length}`);
  }
  const R = suite.commitmentFromBytes(bytes.subarray(0, suite.commitmentBytes));
  const z = suite.scalarFromBytes(bytes.subarray(suite.commitmentBytes));
  return { R, z };
}

/**
 * z·G == R + c·PK with c the suite's challenge (public data, variable-time). The BIP340 suites
 * use R and PK with even Y, which makes this BIP340 verification.
 */
export function verifySchnorr(
  suite: Ciphersuite,
  msg: Uint8Array,
  R0: GroupElement,
  z: bigint,
  PK0: GroupElement,
): boolean {
  const R = evenKey(suite, R0);
  const PK = evenKey(suite, PK0);
  const c = challenge(suite, R, PK, msg);
  const { group, Fn } = suite;
  return group.msm([group.BASE, PK], [z, Fn.neg(c)]).equals(R);
}
