/** `npm run layers`: prints each violation of the layer rules; exit 1 if there is any. */
import { findLayerViolations } from './layer-violations.js';

const violations = await findLayerViolations();
for (const line of violations) console.log(line);
console.log(
  violations.length ? `${violations.length} layer rule violations` : 'the layer rules hold',
);
process.exitCode = violations.length ? 1 : 0;
