// The caller's own inputs to the DKLs23 pieces (sids, states, set-ups, randomness), checked at
// the edge: anything malformed is an INVALID_OT_INPUT `DklsError` (docs/dkls23.md).
import { z } from 'zod';
import { hexString } from '../encoding.js';
import type { RandomBytes } from '../group/scalar-field.js';
import { describeIssues } from '../validation.js';
import { DklsError } from './errors.js';

/** A session id: 1 to 256 bytes. */
export const SidSchema = z
  .instanceof(Uint8Array)
  .refine((b) => b.length >= 1 && b.length <= 256, 'sid must be 1 to 256 bytes');

/** A session id as stored in states and set-ups: 1 to 256 bytes of hex. */
export const SidHexSchema = hexString({ min: 1, max: 256 });

/** `value` parsed by `schema`, or an INVALID_OT_INPUT error naming `name`. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new DklsError(
      'INVALID_OT_INPUT',
      `${name}: ${describeIssues(result.error, { first: true })}`,
    );
  }
  return result.data;
}

/** `bytes` fresh bytes from `rng`, or an INVALID_OT_INPUT error if it returns anything else. */
export function randomFrom(rng: RandomBytes, bytes: number): Uint8Array {
  const out: unknown = rng(bytes);
  if (!(out instanceof Uint8Array) || out.length !== bytes) {
    throw new DklsError('INVALID_OT_INPUT', `rng must return ${bytes} bytes`);
  }
  return out;
}
