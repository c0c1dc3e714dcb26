import { createHash } from 'node:crypto';

/**
 * The DKG round-1 transcript hash the server adds to `round1_packages` (docs/protocol.md §3):
 * lowercase hex SHA-256 of the canonical JSON of the broadcast `packages` array.
 *
 * @module
 */

/** JSON with object keys sorted at every level and no whitespace (stable for hashing). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries);
  });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `packages` as broadcast: `[{ name, index, package }, …]` in index order. */
export function round1TranscriptHash(packages: unknown): string {
  return sha256Hex(canonicalJson(packages));
}
