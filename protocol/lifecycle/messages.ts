/**
 * What the lifecycle sessions carry between the coordinator, the server and the agents
 * (docs/lifecycle.md): the create requests and the holders' submissions.
 *
 * @module
 */
import { z } from 'zod';
import { hexBytes } from '../encoding.js';
import { KeyIdSchema, SessionIdSchema, TimeoutsSchema } from '../sessions.js';

/** key.destroy */
export const KeyDestroyInputSchema = z.strictObject({
  keyId: KeyIdSchema,
  /** Client-chosen, for idempotency, as for keygen.create. */
  sessionId: SessionIdSchema.optional(),
  timeouts: TimeoutsSchema,
});
export type KeyDestroyInput = z.output<typeof KeyDestroyInputSchema>;
/** key.destroy as a caller writes it (timeouts optional). */
export type KeyDestroyRequest = z.input<typeof KeyDestroyInputSchema>;

/** A holder deleted its share: ECDSA (compact r ‖ s, hex) of its identity key over `destroyStatement`. */
export const KeyDestroyedSubmissionSchema = z.strictObject({
  kind: z.literal('key_destroyed'),
  signature: hexBytes(64),
});
