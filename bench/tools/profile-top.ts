// `npx tsx bench/tools/profile-top.ts FILE.cpuprofile [--top 25] [--inclusive NAME,...]`: where a
// V8 CPU profile (from `node --cpu-prof`, e.g. `npm run bench -- <suite> --cpu-prof`) spends
// its time — self time per function and per package (or project folder), and the inclusive time
// of the named functions.
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  process.stderr.write('usage: profile-top FILE.cpuprofile [--top N] [--inclusive a,b]\n');
  process.exit(2);
}
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const top = Number(flag('top') ?? 25);
const inclusive = (flag('inclusive') ?? '').split(',').filter(Boolean);

const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) =>
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
);
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const label = (n: ProfileNode) => {
  const where = n.callFrame.url.replace(/^.*\/(node_modules\/)?/, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
for (const [id, us] of selfUs) {
  const key = label(byId.get(id)!);
  self.set(key, (self.get(key) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
process.stdout.write(`${file}: ${(total / 1e3).toFixed(0)} ms sampled\nself time:\n`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`  ${pct(us)}  ${key}\n`);
}
// Self time per package (node_modules/<pkg>), project folder, node internals or native code.
const moduleOf = (url: string) => {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:'))
    return url.replace(/^node:(internal\/)?(deps\/)?([^/]+).*$/, 'node:$3');
  const own =
    /\/work\/main\/([^/]+)\//.exec(url) ??
    /^file:\/\/.*?\/(server|client|protocol|db|machines|bench|test)\//.exec(url);
  return own ? own[1]! : 'other';
};
const modules = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { url, functionName } = byId.get(id)!.callFrame;
  // Frames without a script: (idle), (garbage collector), (program), or a native function.
  const key = url
    ? moduleOf(url)
    : functionName.startsWith('(')
      ? functionName
      : `native ${functionName}`;
  modules.set(key, (modules.get(key) ?? 0) + us);
}
process.stdout.write('self time by package or folder:\n');
for (const [key, us] of [...modules].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`  ${pct(us)}  ${key}\n`);
}
// Inclusive: a sample counts once for a name if any frame on its stack has that name.
for (const name of inclusive) {
  let us = 0;
  for (const [id, t] of selfUs) {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      if (byId.get(cur)!.callFrame.functionName === name) {
        us += t;
        break;
      }
    }
  }
  process.stdout.write(`inclusive ${name}: ${pct(us)}\n`);
}
