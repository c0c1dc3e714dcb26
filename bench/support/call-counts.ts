// Exact call counts of named functions while `fn` runs, from V8's precise coverage (the
// inspector's Profiler.startPreciseCoverage with callCount) — a counter that needs no change to
// the code counted (noble's suites are frozen objects, so they cannot be wrapped). Coverage
// slows the code down: use it in untimed runs only.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
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

const FROST_SCRIPT = '@noble/curves/abstract/frost.js';

/** Line (1-based) of the first line of noble's frost.js matching `pattern`. */
function frostLine(pattern: RegExp): number {
  const file = createRequire(import.meta.url).resolve(FROST_SCRIPT);
  return (
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => pattern.test(l)) + 1
  );
}

/**
 * What FROST verifies while `fn` runs: aggregations, signature-share verifications (RFC 9591
 * §5.4, only needed to blame on failure), Schnorr verifications (noble's internal verify, used
 * by aggregate and by the public verify), public `verify` calls, and DKG proofs of knowledge.
 */
export function countFrostCalls<T>(fn: () => Promise<T>) {
  return countCalls(
    [
      { script: FROST_SCRIPT, name: 'aggregate', label: 'aggregate' },
      { script: FROST_SCRIPT, name: 'verifyShare', label: 'shareVerifications' },
      {
        script: FROST_SCRIPT,
        name: 'verify',
        line: frostLine(/^\s+verify\(msg, R, z, PK\)/),
        label: 'schnorrVerifications',
      },
      {
        script: FROST_SCRIPT,
        name: 'verify',
        line: frostLine(/^\s+verify\(sig, msg, publicKey\)/),
        label: 'signatureVerifications',
      },
      {
        script: 'protocol/frost/vss.ts',
        name: 'verifyProofOfKnowledge',
        label: 'proofOfKnowledgeVerifications',
      },
    ],
    fn,
  );
}
