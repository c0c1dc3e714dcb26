import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadVerifier } from '../../protocol/ecdsa/verifier.js';
import { createThreadVerifier } from '../../server/signing/verify-thread.js';
import { toDer, toHighS } from '../support/signing.js';

/** A logger that keeps the messages of its error lines. */
function errorLog(): { logger: pino.Logger; errors: string[] } {
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        errors.push((JSON.parse(line) as { msg: string }).msg);
      }
      done();
    },
  });
  return { logger: pino({ level: 'error' }, sink), errors };
}

describe('verification in a worker thread', () => {
  it('agrees with the inline verifier, batch after batch, answered by the worker itself', async () => {
    const { logger, errors } = errorLog();
    const thread = createThreadVerifier(loadVerifier('native'), logger);
    expect(thread.description).toBe('libsecp256k1 (worker thread)');
    try {
      // Until the worker has loaded, batches are verified inline: wait, so the worker answers.
      await thread.ready;
      const sk = secp256k1.utils.randomSecretKey();
      const pk = secp256k1.getPublicKey(sk, true);
      const other = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), false);
      const cases: [Uint8Array, Uint8Array, Uint8Array, boolean][] = [];
      for (let i = 0; i < 20; i++) {
        const message = new TextEncoder().encode(`message ${i} `.repeat(i + 1));
        const sig = secp256k1.sign(message, sk);
        cases.push([sig, message, pk, true]);
        cases.push([toDer(toHighS(sig)), message, pk, true]);
        cases.push([sig, message, other, false]);
        cases.push([sig, new Uint8Array([...message, 1]), pk, false]);
        cases.push([new Uint8Array(30), message, pk, false]);
      }
      // All at once (one batch), then one by one (many batches).
      const together = await Promise.all(cases.map(([s, m, k]) => thread.verify(s, m, k)));
      expect(together).toEqual(cases.map((c) => c[3]));
      for (const [s, m, k, valid] of cases.slice(0, 10))
        expect(await thread.verify(s, m, k)).toBe(valid);
      // A worker that failed to load would have handed every batch back to the event loop.
      expect(errors).toEqual([]);
    } finally {
      await thread.close();
    }
  });

  it('sends the jobs that queued while a batch was in the worker, and settles all on close', async () => {
    const { logger, errors } = errorLog();
    const thread = createThreadVerifier(loadVerifier('native'), logger);
    try {
      await thread.ready;
      const sk = secp256k1.utils.randomSecretKey();
      const pk = secp256k1.getPublicKey(sk, true);
      // Waves in successive event-loop turns, each large enough (hundreds of curve checks)
      // that the next wave finds the previous batch still in the worker and has to wait.
      const jobs = Array.from({ length: 5 }, (_, i) => {
        const message = new TextEncoder().encode(`job ${i}`);
        const sig = secp256k1.sign(message, sk);
        return { sig: i % 2 ? sig : toHighS(sig), message: i === 4 ? message.slice(1) : message };
      });
      const expected = [true, true, true, true, false];
      const waves: Promise<boolean[]>[] = [];
      for (let w = 0; w < 6; w++) {
        const wave: Promise<boolean>[] = [];
        for (let r = 0; r < 60; r++)
          for (const { sig, message } of jobs) wave.push(thread.verify(sig, message, pk));
        waves.push(Promise.all(wave));
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (const wave of waves) expect(await wave).toEqual(Array(60).fill(expected).flat());
      // Jobs still queued when the verifier closes are verified inline, not dropped.
      const message = new TextEncoder().encode('at close');
      const late = [thread.verify(secp256k1.sign(message, sk), message, pk)];
      late.push(thread.verify(secp256k1.sign(message, sk), message, pk));
      await thread.close();
      expect(await Promise.all(late)).toEqual([true, true]);
      expect(errors).toEqual([]);
    } finally {
      await thread.close();
    }
  });
});
