/**
 * Strict decoding of what another party sent in keygen or signing: exact lengths, valid points,
 * scalars below the order. Every failure is a `DklsError` that names the sender.
 *
 * @module
 */
import type { GroupElement } from '../group/group.js';
import { DklsError } from './errors.js';
import { Fn } from './field.js';
import { dklsSuite } from './suite.js';

export const POINT_BYTES = 33;
export const SCALAR_BYTES = 32;

export function invalidMessage(message: string, culprits: readonly number[]): DklsError {
  return new DklsError('INVALID_PROTOCOL_MESSAGE', message, culprits);
}

/** Bytes of exactly `length`, or any length when `length` is undefined. */
export function bytesFrom(from: number, what: string, value: unknown, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array) || (length !== undefined && value.length !== length)) {
    throw invalidMessage(`${what} from party ${from} must be ${length ?? 'some'} bytes`, [from]);
  }
  return value;
}

export function pointFrom(from: number, what: string, value: unknown): GroupElement {
  const bytes = bytesFrom(from, what, value, POINT_BYTES);
  try {
    return dklsSuite.group.fromBytes(bytes);
  } catch {
    throw invalidMessage(`${what} from party ${from} is not a valid point`, [from]);
  }
}

export function scalarFrom(from: number, what: string, value: unknown): bigint {
  const bytes = bytesFrom(from, what, value, SCALAR_BYTES);
  try {
    return Fn.fromBytes(bytes);
  } catch {
    throw invalidMessage(`${what} from party ${from} is not a scalar below the order`, [from]);
  }
}

/** Exactly one message, an object, from each of `expected`; none from anyone else. */
export function expectFrom(
  expected: readonly number[],
  what: string,
  messages: ReadonlyMap<number, unknown>,
): void {
  const missing = expected.filter((j) => !messages.has(j));
  const extra = [...messages.keys()].filter((j) => !expected.includes(j));
  if (missing.length > 0)
    throw invalidMessage(`${what} missing from ${missing.join(', ')}`, missing);
  if (extra.length > 0) {
    throw invalidMessage(`${what} from unexpected parties ${extra.join(', ')}`, extra);
  }
  const notObjects = expected.filter((j) => {
    const message = messages.get(j);
    return typeof message !== 'object' || message === null;
  });
  if (notObjects.length > 0) {
    throw invalidMessage(`${what} from ${notObjects.join(', ')} must be objects`, notObjects);
  }
}

/** Runs a step of a pairwise sub-protocol with party j: its failures blame j, except the caller's own input. */
export function blame<T>(j: number, run: () => T): T {
  try {
    return run();
  } catch (cause) {
    // The caller's own input (INVALID_OT_INPUT) is not the other party's fault.
    if (cause instanceof DklsError && cause.code !== 'INVALID_OT_INPUT') {
      throw new DklsError(cause.code, cause.message, [j], { cause });
    }
    throw cause;
  }
}
