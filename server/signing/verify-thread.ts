import os from 'node:os';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { signatureCandidates } from '../../protocol/ecdsa/signature.js';
import type { SignatureVerifier } from '../../protocol/ecdsa/verifier.js';
import type { Logger } from '../logger.js';

/** Verification of sign responses, off the event loop when it can be. */
export interface AsyncVerifier {
  /** e.g. `libsecp256k1 (worker thread)` or `noble (inline)`. */
  readonly description: string;
  /** ECDSA over SHA-256(message); compact or DER, either S (as SignatureVerifier.verify). */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
  close(): Promise<void>;
}

/** Verifies on the calling thread (one core, or no native binding). */
export function inlineVerifier(verifier: SignatureVerifier): AsyncVerifier {
  return {
    description: `${verifier.backend} (inline)`,
    verify: async (signature, message, publicKey) => verifier.verify(signature, message, publicKey),
    close: async () => {},
  };
}

interface Job {
  candidates: Uint8Array[];
  message: Uint8Array;
  publicKey: Uint8Array;
}

// CommonJS, evaluated in the worker: unpack a batch (see `pack`), hash each message and check
// its compact low-S candidates; answer one byte per job (1 = valid).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const lib = require(workerData.binding);
parentPort.on('message', ({ id, count, packed }) => {
  const results = new Uint8Array(count);
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const candidates = packed[at++];
    const sigs = [];
    for (let c = 0; c < candidates; c++, at += 64) sigs.push(packed.subarray(at, at + 64));
    const keyLength = packed[at++];
    const publicKey = packed.subarray(at, at + keyLength);
    at += keyLength;
    const messageLength = view.getUint32(at, true);
    at += 4;
    const digest = createHash('sha256').update(packed.subarray(at, at + messageLength)).digest();
    at += messageLength;
    for (const sig of sigs) {
      try { if (lib.ecdsaVerify(sig, digest, publicKey)) { results[i] = 1; break; } } catch {}
    }
  }
  parentPort.postMessage({ id, results }, [results.buffer]);
});
`;

/**
 * One buffer per batch (transferred, not cloned): per job the candidate count, the 64-byte
 * candidates, the key length and key, the message length (u32 LE) and message.
 */
function pack(jobs: Job[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const j of jobs) size += 1 + 64 * j.candidates.length + 1 + j.publicKey.length + 4 + j.message.length;
  const packed = new Uint8Array(size);
  const view = new DataView(packed.buffer);
  let at = 0;
  for (const j of jobs) {
    packed[at++] = j.candidates.length;
    for (const c of j.candidates) {
      packed.set(c, at);
      at += 64;
    }
    packed[at++] = j.publicKey.length;
    packed.set(j.publicKey, at);
    at += j.publicKey.length;
    view.setUint32(at, j.message.length, true);
    at += 4;
    packed.set(j.message, at);
    at += j.message.length;
  }
  return packed;
}

/**
 * libsecp256k1 in a worker thread. At thousands of sign requests per second, verification is
 * the largest single cost on the event loop (~40% of it, measured by the benchmark); moving it
 * to another core lets the event loop do the I/O. Jobs arriving in one event-loop turn travel
 * as one message. Signature encodings are normalised here (cheap), hashing and the curve
 * check happen in the worker. If the worker dies, verification continues inline.
 */
export function createThreadVerifier(fallback: SignatureVerifier, logger: Logger): AsyncVerifier {
  if (fallback.backend !== 'libsecp256k1' || os.availableParallelism() < 2) return inlineVerifier(fallback);
  const binding = createRequire(import.meta.url).resolve('secp256k1/bindings.js');
  let worker: Worker | undefined = new Worker(WORKER_SOURCE, { eval: true, workerData: { binding } });
  worker.unref();
  type Entry = { job: Job; signature: Uint8Array; resolve: (ok: boolean) => void };
  let queue: Entry[] = [];
  const inFlight = new Map<number, Entry[]>();
  let nextId = 0;
  let scheduled = false;

  const verifyInline = ({ job, signature }: Entry) => fallback.verify(signature, job.message, job.publicKey);
  const failOver = (err: unknown) => {
    if (!worker) return;
    logger.error({ err }, 'verification thread failed; verifying inline from now on');
    worker = undefined;
    for (const batch of inFlight.values()) for (const entry of batch) entry.resolve(verifyInline(entry));
    inFlight.clear();
  };
  worker.on('message', ({ id, results }: { id: number; results: Uint8Array }) => {
    const batch = inFlight.get(id);
    inFlight.delete(id);
    batch?.forEach(({ resolve }, i) => resolve(results[i] === 1));
  });
  worker.on('error', failOver);
  worker.on('exit', (code) => failOver(new Error(`verification thread exited with code ${code}`)));

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (!worker) {
      for (const entry of batch) entry.resolve(verifyInline(entry));
      return;
    }
    const id = nextId++;
    inFlight.set(id, batch);
    const packed = pack(batch.map((b) => b.job));
    worker.postMessage({ id, count: batch.length, packed }, [packed.buffer]);
  };

  return {
    description: 'libsecp256k1 (worker thread)',
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
      for (const batch of inFlight.values()) for (const entry of batch) entry.resolve(verifyInline(entry));
      inFlight.clear();
      await w?.terminate();
    },
  };
}
