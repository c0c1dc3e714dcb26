/**
 * Any `@noble/curves` point class as a {@link Group}: noble's points already have the element
 * methods; decoding adds RFC 9591's checks, and the multi-scalar multiplication is noble's.
 *
 * @module
 */
import { mulAddUnsafe, pippenger } from '@noble/curves/abstract/curve.js';
import { assertPairs, type Group, type GroupElement } from './group.js';

/** The point class of a noble curve, as far as a group needs it. */
export interface NoblePointClass {
  readonly BASE: GroupElement;
  readonly ZERO: GroupElement;
  readonly Fn: { readonly ORDER: bigint };
  fromBytes(bytes: Uint8Array): GroupElement & {
    assertValidity(): void;
    isTorsionFree(): boolean;
  };
}

type Msm = (Point: unknown, points: unknown[], scalars: bigint[]) => GroupElement;

/** Strauss–Shamir up to this many terms, Pippenger above (noble's own measurements). */
const PIPPENGER_FROM = 64;

/** Equal bytes, for the canonical-encoding check. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function nobleGroup(Point: NoblePointClass, elementBytes: number): Group {
  return {
    backend: 'noble',
    order: Point.Fn.ORDER,
    elementBytes,
    BASE: Point.BASE,
    ZERO: Point.ZERO,
    fromBytes(bytes) {
      if (bytes.length !== elementBytes) {
        throw new Error(`expected a ${elementBytes}-byte element, got ${bytes.length} bytes`);
      }
      const p = Point.fromBytes(bytes);
      p.assertValidity();
      if (p.is0()) throw new Error('the identity element is not allowed');
      if (!p.isTorsionFree()) throw new Error('element is not in the prime-order subgroup');
      if (!sameBytes(p.toBytes(), bytes)) throw new Error('non-canonical element encoding');
      return p;
    },
    msm(points, scalars) {
      assertPairs(points, scalars);
      if (points.length === 0) return Point.ZERO;
      const msm = (points.length <= PIPPENGER_FROM ? mulAddUnsafe : pippenger) as Msm;
      return msm(Point, [...points], [...scalars]);
    },
  };
}
