// Exact call counts of named functions while `fn` runs, from V8's precise coverage (the
// inspector's Profiler.startPreciseCoverage with callCount) — a counter that needs no change to
// the code counted (nothing to wrap, and the counts include calls inside a module). Coverage
// slows the code down: use it in untimed runs only.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

export interface CountedFunction {
  /** The end of the script's URL, e.g. `@noble/curves/abstract/frost.js`. */
  script: string;
  name: string;
  /** Several functions share a name: the 1-based line its definition starts on. */
  line?: number;
  /** How to report it. */
  label: string;
}

const lineAt = (url: string, offset: number): number => {
  try {
    const source = fs.readFileSync(fileURLToPath(url), 'utf8');
    return source.slice(0, offset).split('\n').length;
  } catch {
    return 0;
  }
};

export async function countCalls<T>(
  wanted: CountedFunction[],
  fn: () => Promise<T>,
): Promise<{ value: T; counts: Record<string, number> }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    await session.post('Profiler.takePreciseCoverage'); // reset: count from here
    const value = await fn();
    const coverage = await session.post('Profiler.takePreciseCoverage');
    await session.post('Profiler.stopPreciseCoverage');
    const counts: Record<string, number> = Object.fromEntries(wanted.map((w) => [w.label, 0]));
    for (const script of coverage.result) {
      const mine = wanted.filter((w) => script.url.endsWith(w.script));
      for (const f of script.functions) {
        for (const w of mine) {
          if (f.functionName !== w.name) continue;
          const range = f.ranges[0]!;
          if (w.line !== undefined && lineAt(script.url, range.startOffset) !== w.line) continue;
          counts[w.label]! += range.count;
        }
      }
    }
    return { value, counts };
  } finally {
    session.disconnect();
  }
}

/**
 * What FROST verifies while `fn` runs (protocol/frost/engine): aggregations, signature-share
 * verifications (RFC 9591 §5.4, only needed to blame on failure), Schnorr verifications (the
 * aggregate's own check and the public verify), public `verifySignature` calls, and the DKG
 * proofs of knowledge: batches (one weighted check of many) and single checks (a batch of one,
 * or naming the culprits after a failed batch).
 */
export function countFrostCalls<T>(fn: () => Promise<T>) {
  const engine = (file: string) => `protocol/frost/engine/${file}`;
  return countCalls(
    [
      { script: engine('aggregate.ts'), name: 'aggregateShares', label: 'aggregate' },
      { script: engine('signing.ts'), name: 'verifySignatureShare', label: 'shareVerifications' },
      { script: engine('schnorr.ts'), name: 'verifySchnorr', label: 'schnorrVerifications' },
      {
        script: 'protocol/frost/coordinator.ts',
        name: 'verifySignature',
        label: 'signatureVerifications',
      },
      { script: engine('batch.ts'), name: 'invalidProofs', label: 'proofBatches' },
      { script: engine('batch.ts'), name: 'proofHolds', label: 'singleProofChecks' },
    ],
    fn,
  );
}
