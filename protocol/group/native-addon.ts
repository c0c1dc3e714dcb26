/**
 * libsecp256k1 through the `secp256k1` npm package's native binding (prebuilt for linux-x64).
 * We load `secp256k1/bindings.js` rather than the package main, because the main silently
 * falls back to `elliptic` (slow JS) when the binding is missing; we want to know, and fall
 * back to noble instead. The one place the addon is loaded (ECDSA verification and the group
 * backend both take it from here).
 *
 * @module
 */
import { createRequire } from 'node:module';
import type * as Secp256k1 from 'secp256k1';

export type Secp256k1Addon = typeof Secp256k1;

let loaded: Secp256k1Addon | null | undefined;

/** The addon, or null when its binding cannot load on this machine. */
export function loadSecp256k1Addon(): Secp256k1Addon | null {
  if (loaded !== undefined) return loaded;
  try {
    loaded = createRequire(import.meta.url)('secp256k1/bindings.js') as Secp256k1Addon;
  } catch {
    loaded = null;
  }
  return loaded;
}
