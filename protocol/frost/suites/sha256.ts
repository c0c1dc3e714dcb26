// SHA-256 of the concatenated parts, for the secp256k1 and P-256 suites' H4/H5 and BIP340 tagged
// hashes (node:crypto: no copy of the parts into one buffer first).
import { createHash } from 'node:crypto';

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest().buffer.slice(0));
}
