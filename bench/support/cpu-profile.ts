// `--cpu-prof` for suites that run in this process: a V8 CPU profile of `fn` through the
// inspector, written to bench/results/profiles/ (read it with bench/tools/profile-top.ts or
// Chrome DevTools). Suites with a server child pass `--cpu-prof` to that process instead.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { resultsDir } from './report.js';

export const profilesDir = path.join(resultsDir, 'profiles');

export async function profiled<T>(
  enabled: boolean,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  if (!enabled) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    fs.mkdirSync(profilesDir, { recursive: true });
    const file = path.join(
      profilesDir,
      `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
    );
    fs.writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(`cpu profile: ${file}\n`);
  }
}
