// The round-1 transcript check (docs/protocol.md §3): the server announces the hash of the
// packages it broadcast; we recompute it over what we received, so a relay that altered the
// list on the way is caught before any share is derived from it.
import { FrostError } from '../../protocol/frost/index.js';
import { round1TranscriptHash } from '../../protocol/transcript.js';

export function checkTranscript(
  sessionId: string,
  event: { packages: unknown[]; transcriptHash?: string | undefined },
): void {
  if (event.transcriptHash === undefined) return;
  if (round1TranscriptHash(event.packages) !== event.transcriptHash.toLowerCase()) {
    throw new FrostError(
      'INVALID_INPUT',
      `round-1 transcript of ${sessionId} does not match its announced hash`,
    );
  }
}
