// Starts a TypeScript worker module from source (see server/worker.ts). Node 20 does not carry
// the parent's tsx loader into a worker thread, so the worker registers tsx itself, then
// imports its real entry, `workerData.entry` (a file URL). Plain JavaScript: it runs before any
// loader exists.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
