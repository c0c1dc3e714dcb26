import { expect, test } from 'vitest';
import { findCopiedCode } from './copied-code.js';

// The settings: .jscpd.json, explained in docs/CONVENTIONS.md ("Checks").
test('the product has no copied code', async () => {
  const clones = await findCopiedCode();
  expect(clones, 'copied code (file:lines ↔ file:lines)').toEqual([]);
}, 120_000);
