// A process that dies with transitions queued for the group commit (test/sessions/group-commit.test.ts).
// `node --import tsx commit-crash-child.ts <db> <sessions> queued|loop`:
//   queued: creates the sessions, p1 accepts in each (acknowledged: `ack <session> p1` on
//           stdout), then p2 accepts in each in one tick and the process SIGKILLs itself before
//           the batch commits (`queued` on stdout first);
//   loop:   creates the sessions, then p1, p2, p3 accept in turn in each, all sessions at once
//           (their answers share commits), each acknowledgement printed as it resolves, until
//           the parent kills the process.
// Stdout is a pipe: on Linux a write to it is synchronous, so a printed line was acknowledged.
import { MEMBERS, accept, createKeygens, runtimeOn } from './commit-fixture.js';

const [file, count, mode] = process.argv.slice(2);
const ids = Array.from({ length: Number(count) }, (_, k) => `kg-${k}`);
const { runtime } = runtimeOn(file!);
await createKeygens(runtime, ids);
const ack = (id: string, who: string) => process.stdout.write(`ack ${id} ${who}\n`);

if (mode === 'queued') {
  await Promise.all(ids.map((id) => accept(runtime, id, 'p1').then(() => ack(id, 'p1'))));
  for (const id of ids) void accept(runtime, id, 'p2').then(() => ack(id, 'p2'));
  process.stdout.write('queued\n');
  process.kill(process.pid, 'SIGKILL');
} else {
  process.stdout.write('created\n');
  const answers = async (id: string) => {
    for (const who of MEMBERS) {
      await accept(runtime, id, who);
      ack(id, who);
    }
  };
  await Promise.all(ids.map(answers));
  process.stdout.write('done\n');
}
