/**
 * The group operations every scheme is written against (docs/protocol.md, Group backends): FROST,
 * the end-to-end encryption and escrow never reach a curve library directly, so the arithmetic
 * under them can be libsecp256k1 or `@noble/curves` with identical results.
 *
 * @module
 */

/** An element of a prime-order group. Elements of different backends must not be mixed. */
export interface GroupElement {
  add(other: GroupElement): GroupElement;
  subtract(other: GroupElement): GroupElement;
  negate(): GroupElement;
  /** Constant-time: for secret scalars, 1 ≤ scalar < order (throws otherwise). */
  multiply(scalar: bigint): GroupElement;
  /** Variable-time: for public scalars only, 0 ≤ scalar < order (0 gives the identity). */
  multiplyUnsafe(scalar: bigint): GroupElement;
  equals(other: GroupElement): boolean;
  is0(): boolean;
  /** RFC 9591 SerializeElement (SEC1 compressed for the Weierstrass curves); throws on identity. */
  toBytes(): Uint8Array;
}

/** A prime-order group with the encodings of RFC 9591. */
export interface Group {
  /** Which implementation does the arithmetic, e.g. `libsecp256k1` or `noble`. */
  readonly backend: string;
  readonly order: bigint;
  /** Ne: bytes of SerializeElement. */
  readonly elementBytes: number;
  readonly BASE: GroupElement;
  readonly ZERO: GroupElement;
  /**
   * RFC 9591 DeserializeElement: exact length, canonical encoding, on the curve, in the
   * prime-order subgroup, not the identity. Throws on anything else.
   */
  fromBytes(bytes: Uint8Array): GroupElement;
  /** Σ scalars[i]·points[i], variable-time (public scalars only; 0 allowed). */
  msm(points: readonly GroupElement[], scalars: readonly bigint[]): GroupElement;
}

/** Throws unless `points` and `scalars` pair up. */
export function assertPairs(points: readonly unknown[], scalars: readonly unknown[]): void {
  if (points.length !== scalars.length) {
    throw new Error(
      `msm needs as many scalars as points, got ${scalars.length} and ${points.length}`,
    );
  }
}
