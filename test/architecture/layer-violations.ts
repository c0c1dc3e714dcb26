/**
 * The layer rules of `.dependency-cruiser.cjs` (docs/CONVENTIONS.md, "Checks") run over our
 * sources through dependency-cruiser's API; shared by layers.test.ts and `npm run layers`.
 *
 * @module
 */
import path from 'node:path';
import { cruise, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { existingFolders, PRODUCT_FOLDERS, repoRoot, SUPPORT_FOLDERS } from './folders.js';

/** One line per violation: `rule: from → to`, the whole chain for a cycle, `rule: module` for
 * a rule on a module alone (an orphan). */
export function describeViolation(violation: IViolation): string {
  if (violation.from === violation.to) return `${violation.rule.name}: ${violation.from}`;
  const chain = violation.cycle?.length
    ? [violation.from, ...violation.cycle.map((step) => step.name)]
    : [violation.from, violation.to];
  return `${violation.rule.name}: ${chain.join(' → ')}`;
}

/** The violations of the layer rules in today's tree, one readable line each, sorted. */
export async function findLayerViolations(): Promise<string[]> {
  const options = await extractDepcruiseOptions(path.join(repoRoot, '.dependency-cruiser.cjs'));
  const tsConfigFile = path.join(repoRoot, 'tsconfig.json');
  const tsConfig = extractTSConfig(tsConfigFile);
  const result = await cruise(
    existingFolders([...PRODUCT_FOLDERS, ...SUPPORT_FOLDERS]),
    { ...options, baseDir: repoRoot, tsConfig: { fileName: tsConfigFile }, validate: true },
    {},
    { tsConfig },
  );
  if (typeof result.output === 'string') {
    throw new Error('dependency-cruiser returned a report instead of a cruise result');
  }
  return result.output.summary.violations.map(describeViolation).sort();
}
