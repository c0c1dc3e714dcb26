// The legacy-signing suite's in-process row (direct-signing.ts) added to its HTTP result: the
// same signers and window sizes, and a verify-only baseline of its own, taken on both sides of
// its windows in the same run.
import { fmtInt, fmtMs, numberFlag, round, type BenchOptions, type BenchResult } from '../suite.js';
import { profiled } from './cpu-profile.js';
import { directSigning } from './direct-signing.js';
import { prepareSigners } from './legacy-signers.js';
import { median, spread } from './stats.js';
import { verifyBaselineFor } from './verify-rate.js';

/**
 * Issue 12: in-process signing at least this fraction of the one-core verify-only rate. The
 * target names the library's `sendToSign`, which does not exist yet (issue 16); until it does,
 * the row measures the signing service it would call (direct-signing.ts).
 */
const TARGET_RATIO = 0.8;

export async function withDirectRow(
  result: BenchResult,
  { quick, flags }: BenchOptions,
): Promise<BenchResult> {
  const signerCount = numberFlag(flags, 'signers', 100);
  const concurrency = numberFlag(flags, 'direct-callers', numberFlag(flags, 'callers', 64));
  const repeats = numberFlag(flags, 'repeats', 3);
  const windowMs = numberFlag(flags, 'duration-ms', quick ? 1_500 : 5_000);
  const warmupMs = numberFlag(flags, 'warmup-ms', quick ? 1_000 : 3_000);
  const verifyThread = flags['verify-thread'] === 'off' ? 'off' : 'on';
  const signers = prepareSigners(signerCount, 8);
  // Its own baseline, on both sides of its windows: the HTTP part's was taken a minute earlier.
  const baseline = verifyBaselineFor(signers, quick, repeats);
  // --cpu-prof: this process's profile (the HTTP part profiles its server child).
  const windows = await profiled(flags['cpu-prof'] === true, 'legacy-signing-direct', () =>
    directSigning({ signers, concurrency, repeats, windowMs, warmupMs, verifyThread }),
  );
  baseline.measure(repeats);
  const verifyRate = baseline.rate;
  const verifyRuns = baseline.rates;
  const pick = (f: (w: (typeof windows)[number]) => number) => windows.map(f);
  const rate = median(pick((w) => w.rate));
  const p50 = median(pick((w) => w.p50));
  const p99 = median(pick((w) => w.p99));
  const ratio = rate / verifyRate;
  const failed = windows.reduce((n, w) => n + w.failed, 0);
  const cpu = median(pick((w) => w.cpuMicrosPerSign));
  const cpuRatio = baseline.cpuMicrosPerVerify / cpu;
  const label = `in process, SigningService (${concurrency} in flight)`;
  return {
    ...result,
    rows: [
      ...result.rows,
      [
        `${label}: signs/s`,
        spread(
          pick((w) => w.rate),
          fmtInt,
        ),
      ],
      [
        `${label}: p50, p99`,
        `${fmtMs(p50)}, ${fmtMs(p99)}${failed ? `; ${fmtInt(failed)} failed` : ''}`,
      ],
      [
        `${label}: / verify-only`,
        `${ratio.toFixed(2)} of ${spread(verifyRuns, fmtInt)}/s (its own runs, before and after)`,
      ],
      [
        `${label}: CPU per verify / per sign`,
        `${cpuRatio.toFixed(2)} (${baseline.cpuMicrosPerVerify.toFixed(1)} / ${fmtInt(cpu)} us; whole process, ${median(pick((w) => w.cores)).toFixed(2)} cores)`,
      ],
    ],
    data: {
      ...result.data,
      direct: {
        concurrency,
        signsPerSecond: Math.round(rate),
        p50Ms: round(p50, 3),
        p99Ms: round(p99, 3),
        failed,
        verifyOnlyPerSecond: Math.round(verifyRate),
        verifyOnlyRuns: verifyRuns.map(Math.round),
        ratio: round(ratio, 3),
        cpuMicrosPerSign: Math.round(cpu) || null,
        verifyCpuMicros: round(baseline.cpuMicrosPerVerify, 1),
        cpuRatio: round(cpuRatio, 3),
        windows: windows.map((w) => ({
          signsPerSecond: Math.round(w.rate),
          p50Ms: round(w.p50, 3),
          p99Ms: round(w.p99, 3),
          failed: w.failed,
          cpuMicrosPerSign: Math.round(w.cpuMicrosPerSign) || null,
          cores: round(w.cores),
        })),
      },
    },
    targets: [
      ...(result.targets ?? []),
      {
        name: `in-process signing >= ${TARGET_RATIO} of verify-only (issue 12; the service, sendToSign is issue 16)`,
        met: ratio >= TARGET_RATIO,
        measured: ratio.toFixed(2),
      },
    ],
  };
}
