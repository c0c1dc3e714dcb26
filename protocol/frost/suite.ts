/**
 * What a FROST ciphersuite is to SigSocket: its prime-order group (a `Group` backend), its
 * scalars, the RFC 9591 §6 hashes and the DKG proof-of-knowledge hash, and what the group key
 * means outside (an address, a post-DKG tweak). Our RFC 9591 engine (`engine/`) runs every suite
 * from this description alone. A new suite is one description in `suites/` and one line in
 * `schemes.ts` (docs/protocol.md, Ciphersuites).
 *
 * @module
 */
import type { Group, GroupElement } from '../group/group.js';
import type { ScalarField } from '../group/scalar-field.js';

export type { GroupElement };

/** RFC 9591 §6 H1..H5 and the DKG proof-of-knowledge challenge (DST contextString || "dkg"). */
export interface SuiteHashes {
  /** Binding factor ρ (DST "rho"). */
  H1(m: Uint8Array): bigint;
  /** Challenge (DST "chal", or the suite's own, e.g. none for Ed25519). */
  H2(m: Uint8Array): bigint;
  /** Nonce (DST "nonce"). */
  H3(m: Uint8Array): bigint;
  /** Message digest (prefix "msg"). */
  H4(m: Uint8Array): Uint8Array;
  /** Commitment-list digest (prefix "com"). */
  H5(m: Uint8Array): Uint8Array;
  /** DKG proof-of-knowledge challenge (DST "dkg"). */
  HDKG(m: Uint8Array): bigint;
}

/**
 * BIP340 conventions (frost-secp256k1-tr, as frost-rs): keys and R used with even Y, R encoded
 * x-only (32 bytes), the BIP340 challenge (docs/protocol.md §2 and §4).
 */
export interface EvenYRules {
  hasEvenY(element: GroupElement): boolean;
  /** The element with this x and even Y (BIP340 lift_x); throws if there is none. */
  liftX(x: Uint8Array): GroupElement;
  /** BIP340 challenge over x(R) || x(PK) || msg, reduced mod the order. */
  challenge(R: GroupElement, PK: GroupElement, msg: Uint8Array): bigint;
}

/**
 * A post-DKG change of the key (Taproot: even-Y normalise, then the BIP86 TapTweak): every key,
 * verifying share and signing share x becomes (negate ? −x : x) + tweak (times G for elements).
 */
export type KeyTweak = (groupKey: GroupElement) => { negate: boolean; tweak: bigint };

/** Where the group key is used directly as an account: the address it has there. */
export interface AddressFormat {
  /** Shown beside the address, e.g. `P2TR` or `Solana`. */
  readonly kind: string;
  of(groupPublicKey: Uint8Array, network: string): string;
}

export interface SuiteDescription<S extends string = string> {
  /** Wire name of the scheme, e.g. `frost-ed25519`. */
  readonly scheme: S;
  /** RFC 9591 name, e.g. `FROST(Ed25519, SHA-512)`. */
  readonly title: string;
  /** RFC 9591 contextString; the hashes' DSTs start with it. */
  readonly contextString: string;
  readonly group: Group;
  /** Scalars: the group order, Ns and byte order. */
  readonly Fn: ScalarField;
  readonly hashes: SuiteHashes;
  readonly evenY?: EvenYRules;
  readonly keyTweak?: KeyTweak;
  readonly address?: AddressFormat;
  /** What accepts the signatures, for docs and the CLI. */
  readonly acceptedBy: string;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

export interface HashSpec {
  readonly contextString: string;
  /** The suite's hash function (H4/H5, and the reduced hashes where `toScalar` is not given). */
  readonly digest: (m: Uint8Array) => Uint8Array;
  readonly Fn: ScalarField;
  /** Hash to a scalar with a DST (secp256k1, P-256: RFC 9380 hash_to_field); default
   * Fn.reduceBytes(digest(DST || m)). */
  readonly toScalar?: (m: Uint8Array, dst: Uint8Array) => bigint;
  /** H2's DST when it is not contextString || "chal" (Ed25519: none, Ed448: "SigEd448\0\0"). */
  readonly challengeDst?: string;
}

/** A suite's hashes from its contextString, hash function and hash-to-scalar. */
export function suiteHashes(spec: HashSpec): SuiteHashes {
  const { contextString, digest, Fn } = spec;
  const toScalar = spec.toScalar ?? ((m, dst) => Fn.reduceBytes(digest(concat(dst, m))));
  const scalarHash = (dst: string) => {
    const tag = utf8(dst);
    return (m: Uint8Array) => toScalar(m, tag);
  };
  const prefixed = (prefix: string) => {
    const tag = utf8(contextString + prefix);
    return (m: Uint8Array) => digest(concat(tag, m));
  };
  return {
    H1: scalarHash(contextString + 'rho'),
    H2: scalarHash(spec.challengeDst ?? contextString + 'chal'),
    H3: scalarHash(contextString + 'nonce'),
    H4: prefixed('msg'),
    H5: prefixed('com'),
    HDKG: scalarHash(contextString + 'dkg'),
  };
}

export const defineSuite = <S extends string>(suite: SuiteDescription<S>) => suite;
