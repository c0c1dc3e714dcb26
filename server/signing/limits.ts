/**
 * The largest message a signer can be asked to sign: its legacy response
 * `base64(message).base64(signature)` (signature ≤ 72 bytes DER → 96 characters) must fit in
 * one frame of `maxFrameBytes`. The same cap applies to typed signers, so a caller's request
 * does not depend on which kind of signer holds the key.
 */
export function maxMessageBytes(maxFrameBytes: number): number {
  return Math.floor((maxFrameBytes - 100) / 4) * 3;
}

/** The largest `POST /sign` body: base64 of the largest message, plus room for the JSON around it. */
export function signBodyLimit(maxMessage: number): number {
  return Math.ceil(maxMessage / 3) * 4 + 4096;
}

/** The timeout a caller gets: default when absent, capped by the configured maximum. */
export function effectiveTimeoutMs(
  requested: number | undefined,
  config: { signTimeoutMs: number; maxSignTimeoutMs: number },
): number {
  return Math.min(requested ?? config.signTimeoutMs, config.maxSignTimeoutMs);
}
