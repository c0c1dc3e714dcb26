import { expect, test } from 'vitest';
import { findLayerViolations } from './layer-violations.js';

// The rules: .dependency-cruiser.cjs, explained in docs/CONVENTIONS.md ("Checks").
test('every import follows the layer rules', async () => {
  const violations = await findLayerViolations();
  expect(violations, 'layer rule violations (`npm run layers` lists them)').toEqual([]);
}, 120_000);
