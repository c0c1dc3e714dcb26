// A full garbage collection between timed runs, so a run does not pay for the garbage the
// previous one (often the other side of the comparison) left behind.
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
}
