// The round-1 transcript check: the server announces SHA-256 of the canonical JSON of the
// packages it broadcast (docs/sessions.md); we recompute it over what we received, so a relay
// that altered the list on the way is caught before any share is derived from it.
import { FrostError } from '../../protocol/frost/index.js';
import { canonicalJson, sha256Hex } from '../../server/sessions/ids.js';

export function checkTranscript(
  sessionId: string,
  event: { packages: unknown[]; transcriptHash?: string | undefined },
): void {
  if (event.transcriptHash === undefined) return;
  const actual = sha256Hex(canonicalJson(event.packages));
  if (actual !== event.transcriptHash.toLowerCase()) {
    throw new FrostError('INVALID_INPUT', `round-1 transcript of ${sessionId} does not match its announced hash`);
  }
}
