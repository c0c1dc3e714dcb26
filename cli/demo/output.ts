// What the demo reports while it runs; the CLI prints it as text (or nothing, with --json).
import type { SessionProgress } from '../../client/coordinator/index.js';
import type { Check } from './verify.js';

/** Live progress of one session (the CLI's progress display fits). */
export interface ProgressSink {
  update(progress: SessionProgress): void;
  close(): void;
}

export interface DemoOutput {
  /** A new step, e.g. `keygen (frost-secp256k1, 2-of-3 among alice, bob, carol)`. */
  heading(text: string): void;
  /** A named value: key id, group key, signature... */
  field(name: string, value: string): void;
  check(check: Check): void;
  note(text: string): void;
  /** A display for the progress of the next session. */
  progress(): ProgressSink;
}
