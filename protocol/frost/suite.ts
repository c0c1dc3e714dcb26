/**
 * What a FROST ciphersuite is to SigSocket: noble's RFC 9591 implementation of it, its prime-order
 * group with the RFC's encodings, the hash the DKG proof of knowledge uses, and what the group
 * key means outside (an address, a post-DKG tweak). A new suite is one such description in
 * `suites/` and one line in `schemes.ts` (docs/protocol.md, Ciphersuites).
 *
 * @module
 */
import type { FROST } from '@noble/curves/abstract/frost.js';
import { bytesToNumberBE, bytesToNumberLE } from '@noble/curves/utils.js';
import type { GroupElement } from '../group/group.js';

export type { GroupElement };

/** The point class of a noble curve, as far as a suite needs it. */
export interface NoblePointClass {
  readonly BASE: GroupElement;
  readonly ZERO: GroupElement;
  fromBytes(bytes: Uint8Array): GroupElement & {
    assertValidity(): void;
    isTorsionFree(): boolean;
  };
}

/** How a suite's DKG output turns into the key signatures verify under (Taproot: BIP86 tweak). */
export type KeyAdjustment = (
  groupKey: GroupElement,
  verifyingShares: GroupElement[],
) => { groupKey: GroupElement; verifyingShares: GroupElement[] };

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
  /** RFC 9591 contextString; the DKG proof-of-knowledge DST is this + "dkg". */
  readonly contextString: string;
  /** noble's implementation of the suite. */
  readonly frost: FROST;
  readonly Point: NoblePointClass;
  /** Ne: bytes of SerializeElement. */
  readonly elementBytes: number;
  /** Bytes of R inside a signature or proof (Taproot: 32, x-only), default `elementBytes`. */
  readonly commitmentBytes?: number;
  /** Decodes R of a signature or proof when it is not a plain element (Taproot: lift_x). */
  readonly decodeCommitment?: (bytes: Uint8Array) => GroupElement;
  /** The suite's hash to a scalar (RFC 9591 §6 H1-H3 shape) with an explicit DST. */
  readonly hashToScalar: (message: Uint8Array, dst: Uint8Array) => bigint;
  readonly adjustKey?: KeyAdjustment;
  readonly address?: AddressFormat;
  /** What accepts the signatures, for docs and the CLI. */
  readonly acceptedBy: string;
}

/** RFC 9591's generic H: hash(DST || m) read in the scalar field's byte order, mod the order. */
export function reduceHash(
  hash: (message: Uint8Array) => Uint8Array,
  order: bigint,
  littleEndian: boolean,
) {
  return (message: Uint8Array, dst: Uint8Array): bigint => {
    const digest = hash(new Uint8Array([...dst, ...message]));
    return (littleEndian ? bytesToNumberLE(digest) : bytesToNumberBE(digest)) % order;
  };
}

export const defineSuite = <S extends string>(suite: SuiteDescription<S>) => suite;
