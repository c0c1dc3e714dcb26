import { loadVerifier, type SignatureVerifier } from '../../protocol/ecdsa/verifier.js';
import { parseSignResponse } from '../../protocol/legacy.js';
import type { PreparedSigner } from './legacy-signers.js';
import { median } from './stats.js';

/**
 * Verifications per second of `verifier` on one core, doing nothing else: SHA-256 of the
 * message, signature normalisation and the curve check, exactly the server's per-request
 * crypto.
 */
export function verifyOnlyRate(
  verifier: SignatureVerifier,
  samples: { signature: Uint8Array; message: Uint8Array; publicKey: Uint8Array }[],
  durationMs: number,
): number {
  let done = 0;
  let ok = true;
  const started = performance.now();
  let now = started;
  while (now - started < durationMs) {
    for (let i = 0; i < 100; i++) {
      const s = samples[done++ % samples.length]!;
      ok &&= verifier.verify(s.signature, s.message, s.publicKey);
    }
    now = performance.now();
  }
  if (!ok) throw new Error('a benchmark sample did not verify');
  return done / ((now - started) / 1000);
}

/** The precomputed answers of `signers` as verification samples (what the server checks). */
export function signerSamples(
  signers: PreparedSigner[],
): { signature: Uint8Array; message: Uint8Array; publicKey: Uint8Array }[] {
  return signers.flatMap((s) =>
    [...s.answers.values()].map((frame) => {
      const { message, signature } = parseSignResponse(frame);
      return { message, signature, publicKey: Buffer.from(s.publicKey, 'hex') };
    }),
  );
}

/**
 * A suite's verify-only baseline: runs of `ms` each, taken on both sides of its windows (before
 * and after), so a machine that speeds up or slows down meanwhile moves the baseline too. Each
 * run also gives the CPU time per verification (this process's, which does nothing else
 * meanwhile): unlike a rate, it hardly moves when other jobs take the cores.
 */
export class VerifyBaseline {
  readonly rates: number[] = [];
  readonly cpuMicros: number[] = [];

  constructor(
    readonly verifier: SignatureVerifier,
    private readonly samples: {
      signature: Uint8Array;
      message: Uint8Array;
      publicKey: Uint8Array;
    }[],
    private readonly ms: number,
  ) {
    verifyOnlyRate(verifier, samples, 200); // warm up
  }

  measure(runs: number): void {
    for (let r = 0; r < runs; r++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const rate = verifyOnlyRate(this.verifier, this.samples, this.ms);
      const verified = (rate * (performance.now() - t0)) / 1000;
      const cpu = process.cpuUsage(cpu0);
      this.rates.push(rate);
      this.cpuMicros.push((cpu.user + cpu.system) / verified);
    }
  }

  get rate(): number {
    return median(this.rates);
  }

  get cpuMicrosPerVerify(): number {
    return median(this.cpuMicros);
  }
}

/**
 * The verify-only baseline of `signers`' own signatures with the server's verifier, its first
 * `repeats` runs taken now (the caller takes the others after its load).
 */
export function verifyBaselineFor(
  signers: PreparedSigner[],
  quick: boolean,
  repeats: number,
): VerifyBaseline {
  const baseline = new VerifyBaseline(
    loadVerifier('auto'),
    signerSamples(signers),
    quick ? 300 : 1_000,
  );
  baseline.measure(repeats);
  return baseline;
}
