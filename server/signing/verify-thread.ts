import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { signatureCandidates } from '../../protocol/ecdsa/signature.js';
import type { SignatureVerifier } from '../../protocol/ecdsa/verifier.js';
import type { Logger } from '../logger.js';
import { startWorker } from '../worker.js';
import { packJobs, type VerifyBatchResult, type VerifyJob } from './verify-batch.js';

/** Verification of sign responses, off the event loop when it can be. */
export interface AsyncVerifier {
  /** e.g. `libsecp256k1 (worker thread)` or `noble (inline)`. */
  readonly description: string;
  /** ECDSA over SHA-256(message); compact or DER, either S (as SignatureVerifier.verify). */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
  /** Settles once verification runs where `description` says (a worker has loaded). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Batches the worker holds at once. The next one waits on the event loop and grows while they
 * are verified, so under load each message carries many jobs (one postMessage and one wake-up
 * of the worker per batch, not per job).
 */
const MAX_BATCHES_IN_FLIGHT = 1;

/** How long a closing verification thread may take to stop by itself. */
const GRACEFUL_EXIT_MS = 1_000;

/** Verifies on the calling thread (one core, or no native binding). */
export function inlineVerifier(verifier: SignatureVerifier): AsyncVerifier {
  return {
    description: `${verifier.backend} (inline)`,
    ready: Promise.resolve(),
    verify: async (signature, message, publicKey) => verifier.verify(signature, message, publicKey),
    close: async () => {},
  };
}

/**
 * libsecp256k1 in a worker thread. At thousands of sign requests per second, verification is
 * the largest single cost on the event loop (~40% of it, measured by the benchmark); moving it
 * to another core lets the event loop do the I/O. Jobs arriving in one event-loop turn travel
 * as one message (verify-batch.ts), and while MAX_BATCHES_IN_FLIGHT are in the worker the next
 * one waits and grows. Signature encodings are normalised here (cheap), hashing
 * and the curve check happen in the worker (verify-worker.ts). Until the worker says it is ready,
 * and after it dies, verification runs inline.
 */
export function createThreadVerifier(fallback: SignatureVerifier, logger: Logger): AsyncVerifier {
  if (fallback.backend !== 'libsecp256k1' || os.availableParallelism() < 2)
    return inlineVerifier(fallback);
  let worker: Worker | undefined = startWorker(new URL('./verify-worker.js', import.meta.url));
  worker.unref();
  type Entry = { job: VerifyJob; signature: Uint8Array; resolve: (ok: boolean) => void };
  let queue: Entry[] = [];
  const inFlight = new Map<number, Entry[]>();
  let nextId = 0;
  let scheduled = false;

  const verifyInline = ({ job, signature }: Entry) =>
    fallback.verify(signature, job.message, job.publicKey);
  let ready = false;
  let markReady = () => {};
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve));
  const failOver = (err: unknown) => {
    markReady(); // inline from now on: that is where verification runs
    if (!worker) return;
    logger.error({ err }, 'verification thread failed; verifying inline from now on');
    worker = undefined;
    verifyRestInline();
  };
  /** With the worker gone: its batches, and what waited for them, verified here. */
  function verifyRestInline(): void {
    for (const batch of inFlight.values())
      for (const entry of batch) entry.resolve(verifyInline(entry));
    inFlight.clear();
    flush();
  }
  worker.on('message', (message: VerifyBatchResult | { ready: true }) => {
    if ('ready' in message) {
      ready = true;
      markReady();
      return;
    }
    const { id, results } = message;
    const batch = inFlight.get(id);
    inFlight.delete(id);
    batch?.forEach(({ resolve }, i) => resolve(results[i] === 1));
    if (!scheduled) flush(); // the batch that waited for this one
  });
  worker.on('error', failOver);
  worker.on('exit', (code) => failOver(new Error(`verification thread exited with code ${code}`)));

  function flush(): void {
    scheduled = false;
    if (queue.length === 0) return;
    if (worker && ready && inFlight.size >= MAX_BATCHES_IN_FLIGHT) return; // sent on a result
    const batch = queue;
    queue = [];
    if (!worker || !ready) {
      for (const entry of batch) entry.resolve(verifyInline(entry));
      return;
    }
    const id = nextId++;
    inFlight.set(id, batch);
    const packed = packJobs(batch.map((b) => b.job));
    worker.postMessage({ id, count: batch.length, packed }, [packed.buffer]);
  }

  return {
    description: 'libsecp256k1 (worker thread)',
    ready: readyPromise,
    verify(signature, message, publicKey) {
      const job = { candidates: signatureCandidates(signature), message, publicKey };
      if (job.candidates.length === 0) return Promise.resolve(false);
      return new Promise((resolve) => {
        queue.push({ job, signature, resolve });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush); // after this turn's I/O callbacks: one message per batch
        }
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      verifyRestInline();
      if (!w) return;
      // Terminating a thread inside a libsecp256k1 call aborts the whole process (node-addon-api
      // cannot throw out of a dying thread): ask it to stop between batches, terminate only if
      // it does not within a second.
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ close: true });
      const late = setTimeout(() => void w.terminate(), GRACEFUL_EXIT_MS);
      await exited;
      clearTimeout(late);
    },
  };
}
