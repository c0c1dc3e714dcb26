import { hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { loadNativeBackend } from '../../protocol/ecdsa/native.js';
import { unpackJobs, type VerifyBatchRequest, type VerifyBatchResult } from './verify-batch.js';

/**
 * The verification thread (started by verify-thread.ts): for each job of a batch, hash the
 * message and check its compact low-S candidates with libsecp256k1; answer one byte per job.
 *
 * @module
 */

const port = parentPort;
if (!port) throw new Error('verify-worker.ts runs as a worker thread (see verify-thread.ts)');
const backend = loadNativeBackend();
if (!backend) throw new Error('the libsecp256k1 binding cannot be loaded in the worker');

port.on('message', (request: VerifyBatchRequest | { close: true }) => {
  // Asked to stop: close the port between batches, so the thread ends outside native code.
  if ('close' in request) return port.close();
  const { id, count, packed } = request;
  const results = new Uint8Array(count);
  let i = 0;
  for (const job of unpackJobs(packed, count)) {
    const digest = hash('sha256', job.message, 'buffer'); // one call, no Hash object
    if (job.candidates.some((c) => backend.verifyDigest(c, digest, job.publicKey))) results[i] = 1;
    i++;
  }
  const answer: VerifyBatchResult = { id, results };
  port.postMessage(answer, [results.buffer]);
});
// Loading this module from source takes a while (tsx compiles it in the new thread): until
// this arrives, the parent verifies inline rather than let the first requests wait.
port.postMessage({ ready: true });
