// The caller's own inputs to the DKLs23 pieces (sids, states, set-ups), checked at the edge:
// anything malformed is an INVALID_OT_INPUT `DklsError` (docs/dkls23.md).
import { z } from 'zod';
import { describeIssues } from '../validation.js';
import { DklsError } from './errors.js';

/** A session id: 1 to 256 bytes. */
export const SidSchema = z
  .instanceof(Uint8Array)
  .refine((b) => b.length >= 1 && b.length <= 256, 'sid must be 1 to 256 bytes');

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
