import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root directory, wherever the checks are started from. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The product: what ships to users (docs/CONVENTIONS.md, layout). */
export const PRODUCT_FOLDERS = ['protocol', 'machines', 'db', 'server', 'client', 'cli'] as const;

/** What surrounds the product: its tests, benchmarks, their shared support, the examples. */
export const SUPPORT_FOLDERS = ['harness', 'bench', 'test', 'examples'] as const;

/** Those of `folders` that exist at the root (a folder being created may not exist yet). */
export function existingFolders(folders: readonly string[]): string[] {
  return folders.filter((folder) => fs.existsSync(path.join(repoRoot, folder)));
}
