import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the TypeScript module `entry` (a `new URL('./x.js', import.meta.url)`
 * beside its caller). From source (tsx, vitest, `npm start`, bin/sigsocket.js) the `.ts` file
 * is started through worker-from-source.mjs, which registers tsx in the new thread; compiled,
 * the `.js` file runs as it is. The worker gets no `workerData` of its own.
 */
export function startWorker(entry: URL): Worker {
  const fromSource = path.extname(fileURLToPath(import.meta.url)) === '.ts';
  if (!fromSource) return new Worker(entry);
  const source = new URL(entry.href.replace(/\.js$/, '.ts'));
  return new Worker(new URL('./worker-from-source.mjs', import.meta.url), {
    workerData: { entry: source.href },
  });
}
