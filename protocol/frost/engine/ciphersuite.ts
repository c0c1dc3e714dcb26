/**
 * A suite description with the sizes and codecs the engine and the wire schemas derive from it
 * (docs/protocol.md, Ciphersuites). R of a signature or proof is an element, or for the BIP340
 * suites its x coordinate with even Y.
 *
 * @module
 */
import { bytesToHex } from '../../encoding.js';
import type { Group } from '../../group/group.js';
import type { GroupElement, SuiteDescription } from '../suite.js';

export interface Ciphersuite<S extends string = string> extends SuiteDescription<S> {
  readonly order: bigint;
  /** Ne: bytes of SerializeElement. */
  readonly elementBytes: number;
  /** Ns: bytes of SerializeScalar. */
  readonly scalarBytes: number;
  /** Bytes of R inside a signature or DKG proof of knowledge. */
  readonly commitmentBytes: number;
  /** Final signature and DKG proof-of-knowledge size: R || z. */
  readonly signatureBytes: number;
  /** Bytes → scalar, refusing a wrong length or a value not below the order. */
  scalarFromBytes(bytes: Uint8Array): bigint;
  scalarToBytes(scalar: bigint): Uint8Array;
  /** RFC 9591 DeserializeElement: exact length, canonical, on the curve, prime order, not identity. */
  elementFromBytes(bytes: Uint8Array): GroupElement;
  /** R of a signature or proof (BIP340 suites: x-only with even Y). */
  commitmentFromBytes(bytes: Uint8Array): GroupElement;
  /** R as a signature or proof carries it (BIP340 suites: x(R), R having even Y). */
  commitmentToBytes(R: GroupElement): Uint8Array;
}

/** Decoded elements kept at most (a keygen with n = 50, t = 34 decodes about 1 700). */
const CACHED_ELEMENTS = 4096;

/**
 * DeserializeElement with a cache: the wire schemas check each element and the engine then uses
 * it, and decoding costs a square root. Elements are immutable; the cache is per backend, since
 * the secp256k1 one can be switched between runs.
 */
function cachedDecoder(group: Group): (bytes: Uint8Array) => GroupElement {
  let backend = group.backend;
  const cache = new Map<string, GroupElement>();
  return (bytes) => {
    if (group.backend !== backend || cache.size >= CACHED_ELEMENTS) {
      cache.clear();
      backend = group.backend;
    }
    const key = bytesToHex(bytes);
    let element = cache.get(key);
    if (!element) cache.set(key, (element = group.fromBytes(bytes)));
    return element;
  };
}

export function ciphersuite<S extends string>(suite: SuiteDescription<S>): Ciphersuite<S> {
  const { group, Fn, evenY } = suite;
  const fromBytes = cachedDecoder(group);
  const elementBytes = group.elementBytes;
  const commitmentBytes = evenY ? 32 : elementBytes;
  return {
    ...suite,
    order: Fn.ORDER,
    elementBytes,
    scalarBytes: Fn.BYTES,
    commitmentBytes,
    signatureBytes: commitmentBytes + Fn.BYTES,
    scalarFromBytes: (bytes) => Fn.fromBytes(bytes),
    scalarToBytes: (scalar) => Fn.toBytes(scalar),
    elementFromBytes: fromBytes,
    commitmentFromBytes(bytes) {
      if (bytes.length !== commitmentBytes) {
        throw new Error(`expected a ${commitmentBytes}-byte commitment, got ${bytes.length} bytes`);
      }
      return evenY ? evenY.liftX(bytes) : fromBytes(bytes);
    },
    commitmentToBytes: (R) => (evenY ? R.toBytes().subarray(1) : R.toBytes()),
  };
}
