/**
 * Copied code in the product, found by jscpd with the settings of `.jscpd.json`
 * (docs/CONVENTIONS.md, "Checks"); shared by duplicates.test.ts and print-copied-code.ts.
 *
 * @module
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { existingFolders, PRODUCT_FOLDERS, repoRoot } from './folders.js';

// jscpd's ESM build imports a CommonJS package by name, which Node refuses: load its CJS build.
const { detectClones } = createRequire(import.meta.url)('jscpd') as typeof import('jscpd');

type JscpdOptions = Parameters<typeof detectClones>[0];
type Clone = Awaited<ReturnType<typeof detectClones>>[number];
type Fragment = Clone['duplicationA'];

function where(fragment: Fragment): string {
  const file = path.relative(repoRoot, path.resolve(repoRoot, fragment.sourceId));
  return `${file}:${fragment.start.line}-${fragment.end.line}`;
}

/** One line per clone: `file:lines ↔ file:lines`. */
export function describeClone(clone: Clone): string {
  return `${where(clone.duplicationA)} ↔ ${where(clone.duplicationB)}`;
}

/** The clones in the product folders, one readable line each, sorted. */
export async function findCopiedCode(): Promise<string[]> {
  const settings = JSON.parse(
    fs.readFileSync(path.join(repoRoot, '.jscpd.json'), 'utf8'),
  ) as JscpdOptions;
  const clones = await detectClones({
    ...settings,
    path: existingFolders(PRODUCT_FOLDERS).map((folder) => path.join(repoRoot, folder)),
    reporters: [],
    silent: true,
  });
  return clones.map(describeClone).sort();
}
