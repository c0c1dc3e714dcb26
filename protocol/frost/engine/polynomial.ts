/**
 * Polynomials over the scalars and their commitments (RFC 9591 §4.2, App. C): evaluation,
 * Lagrange coefficients, and the VSS evaluation Σ_k C_k·x^k of a commitment.
 *
 * @module
 */
import type { Group, GroupElement } from '../../group/group.js';
import type { ScalarField } from '../../group/scalar-field.js';

/** f(x) = Σ_k coefficients[k]·x^k (Horner). */
export function evaluatePolynomial(Fn: ScalarField, coefficients: bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let k = coefficients.length - 1; k >= 0; k--) acc = Fn.add(Fn.mul(acc, x), coefficients[k]!);
  return acc;
}

/** 1, x, x², …, x^(count−1) mod the order. */
export function powersOf(Fn: ScalarField, x: bigint, count: number): bigint[] {
  const out: bigint[] = [];
  let power = 1n;
  for (let k = 0; k < count; k++) {
    out.push(power);
    power = Fn.mul(power, x);
  }
  return out;
}

/**
 * RFC 9591 §4.2 derive_interpolating_value: λ_i for x_i over the distinct non-zero `xs`.
 * Throws if x_i is not among them or one repeats.
 */
export function lagrangeCoefficient(Fn: ScalarField, xs: readonly bigint[], xi: bigint): bigint {
  if (!xs.includes(xi) || new Set(xs).size !== xs.length) {
    throw new Error('invalid participant list for interpolation');
  }
  let num = 1n;
  let den = 1n;
  for (const x of xs) {
    if (x === xi) continue;
    num = Fn.mul(num, x);
    den = Fn.mul(den, Fn.sub(x, xi));
  }
  return Fn.mul(num, Fn.inv(den));
}

/** RFC 9591 App. C.2: Σ_k commitments[k]·x^k, public data only (variable-time). */
export function evaluateCommitment(
  group: Group,
  Fn: ScalarField,
  commitments: readonly GroupElement[],
  x: bigint,
): GroupElement {
  return group.msm(commitments, powersOf(Fn, x, commitments.length));
}

/** k·G for a secret scalar (constant-time), or the identity for k = 0. */
export function baseTimes(group: Group, k: bigint): GroupElement {
  return k === 0n ? group.ZERO : group.BASE.multiply(k);
}
