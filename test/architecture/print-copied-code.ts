/** Prints each clone in the product (`npx tsx test/architecture/print-copied-code.ts`). */
import { findCopiedCode } from './copied-code.js';

const clones = await findCopiedCode();
for (const line of clones) console.log(line);
console.log(clones.length ? `${clones.length} clones` : 'no copied code');
process.exitCode = clones.length ? 1 : 0;
