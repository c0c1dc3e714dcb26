// Zod schemas of the single-key signing API (docs/signing.md §2 HTTP bodies, §3 `signer.*`),
// shared by the server's edges and the clients.
import { z } from 'zod';
import { base64Decode } from './encoding.js';

/** Largest message any configuration accepts (frame limit 16 MiB); the server checks its own. */
export const MAX_MESSAGE_BYTES = 12_582_837;
/** DER signatures are at most 72 bytes; compact ones are 64; the smallest DER is 8. */
export const MIN_SIGNATURE_BYTES = 8;
export const MAX_SIGNATURE_BYTES = 72;

/** Zod: base64 (standard or URL-safe, padding optional) of `min`..`max` bytes → bytes. */
export function base64Bytes({ min = 0, max }: { min?: number; max: number }) {
  return z
    .string()
    .max(Math.ceil(max / 3) * 4, `expected at most ${max} bytes of base64`)
    .transform((text, ctx) => {
      let bytes: Uint8Array;
      try {
        bytes = base64Decode(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
      if (bytes.length < min || bytes.length > max) {
        ctx.addIssue({
          code: 'custom',
          message: `expected ${min}..${max} bytes, got ${bytes.length}`,
        });
        return z.NEVER;
      }
      return bytes;
    });
}

/** A public key as callers may write it; the server normalises and checks it on the curve. */
const PublicKeyText = z.string().min(1).max(200, 'a public key is at most 130 hex digits');
const MessageBytes = base64Bytes({ min: 1, max: MAX_MESSAGE_BYTES });
const TimeoutMs = z.number().int().min(1).max(2_147_483_647);
export const SignatureBytes = base64Bytes({ min: MIN_SIGNATURE_BYTES, max: MAX_SIGNATURE_BYTES });

/** POST /sign body (docs/signing.md §2). */
export const SignHttpBodySchema = z.object({
  public_key: PublicKeyText,
  message: MessageBytes,
  timeout_ms: TimeoutMs.optional(),
});

/** signer.sign input: the typed twin of POST /sign. */
export const SignInputSchema = z.object({
  publicKey: PublicKeyText,
  message: MessageBytes,
  timeoutMs: TimeoutMs.optional(),
});

export const ConnectedInputSchema = z.object({ publicKey: PublicKeyText });

export const AttachInputSchema = z.object({ publicKey: PublicKeyText });

export const ProveInputSchema = z.object({
  attachId: z.string().min(1).max(64),
  signature: SignatureBytes,
});

/** signer.respond: either a signature or a refusal with a reason the caller will see. */
export const RespondInputSchema = z.union([
  z.object({ requestId: z.uuid(), signature: SignatureBytes }).strict(),
  z
    .object({ requestId: z.uuid(), refuse: z.object({ reason: z.string().min(1).max(200) }) })
    .strict(),
]);

/** What a typed signer receives on its `signer.attach` subscription. */
export type AttachEvent =
  | { type: 'challenge'; attachId: string; challenge: string }
  | { type: 'attached'; publicKey: string }
  | { type: 'request'; requestId: string; message: string };
