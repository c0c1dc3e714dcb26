/**
 * Identifiers and hashes the session runtime derives. Documented in docs/sessions.md.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../../protocol/transcript.js';

// Re-exported for existing importers; the definitions live in protocol/transcript.ts.
export { canonicalJson, sha256Hex };

/**
 * A server-chosen session id when the client gives none: the protocol's prefix (`kg`, `sg`)
 * and 96 random bits.
 */
export function newSessionId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/**
 * The id of the key a keygen session creates: `key_` + the first 24 hex digits of
 * SHA-256("sigsocket/key-id:" ‖ sessionId). Derived, so it is known before the session ends and
 * the same after any restart; session ids are unique, hence key ids too.
 */
export function keyIdFor(keygenSessionId: string): string {
  return `key_${sha256Hex(`sigsocket/key-id:${keygenSessionId}`).slice(0, 24)}`;
}

/** Hash of a creation request, to recognise a repeated create with the same session id. */
export function requestHash(request: Record<string, unknown>): string {
  return sha256Hex(canonicalJson(request));
}
