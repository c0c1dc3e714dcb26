import type { SignatureVerifier } from '../../protocol/ecdsa/verifier.js';

/**
 * Verifications per second of `verifier` on one core, doing nothing else: SHA-256 of the
 * message, signature normalisation and the curve check, exactly the server's per-request
 * crypto.
 */
export function verifyOnlyRate(
  verifier: SignatureVerifier,
  samples: { signature: Uint8Array; message: Uint8Array; publicKey: Uint8Array }[],
  durationMs: number,
): number {
  let done = 0;
  let ok = true;
  const started = performance.now();
  let now = started;
  while (now - started < durationMs) {
    for (let i = 0; i < 100; i++) {
      const s = samples[done++ % samples.length]!;
      ok &&= verifier.verify(s.signature, s.message, s.publicKey);
    }
    now = performance.now();
  }
  if (!ok) throw new Error('a benchmark sample did not verify');
  return done / ((now - started) / 1000);
}
