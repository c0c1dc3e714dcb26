/**
 * The wire between the event loop and the verification thread (verify-thread.ts, verify-worker.ts):
 * one buffer per batch, transferred rather than cloned. Per job: the candidate count, the
 * 64-byte compact candidates, the key length and key, the message length (u32 LE) and message.
 *
 * @module
 */

/** One sign response to check: its compact low-S candidates, the message and the signer's key. */
export interface VerifyJob {
  candidates: Uint8Array[];
  message: Uint8Array;
  publicKey: Uint8Array;
}

/** Event loop → worker. */
export interface VerifyBatchRequest {
  id: number;
  count: number;
  packed: Uint8Array;
}

/** Worker → event loop: one byte per job, 1 when it verified. */
export interface VerifyBatchResult {
  id: number;
  results: Uint8Array;
}

const COMPACT_BYTES = 64;

export function packJobs(jobs: readonly VerifyJob[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const j of jobs) {
    size += 1 + COMPACT_BYTES * j.candidates.length + 1 + j.publicKey.length + 4 + j.message.length;
  }
  const packed = new Uint8Array(size);
  const view = new DataView(packed.buffer);
  let at = 0;
  for (const j of jobs) {
    packed[at++] = j.candidates.length;
    for (const c of j.candidates) {
      packed.set(c, at);
      at += COMPACT_BYTES;
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

/** The `count` jobs of a packed batch, in order (views into `packed`, not copies). */
export function* unpackJobs(packed: Uint8Array, count: number): Generator<VerifyJob> {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const candidates: Uint8Array[] = [];
    const candidateCount = packed[at++]!;
    for (let c = 0; c < candidateCount; c++, at += COMPACT_BYTES) {
      candidates.push(packed.subarray(at, at + COMPACT_BYTES));
    }
    const keyLength = packed[at++]!;
    const publicKey = packed.subarray(at, at + keyLength);
    at += keyLength;
    const messageLength = view.getUint32(at, true);
    at += 4;
    const message = packed.subarray(at, at + messageLength);
    at += messageLength;
    yield { candidates, message, publicKey };
  }
}
