import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  url: string;
  pid: number;
  dataDir: string;
  /** CPU seconds (user + system) the server process has used so far (Linux; NaN elsewhere). */
  cpuSeconds(): number;
  /** Resident set size of the server process in bytes (from /proc; NaN elsewhere). */
  rssBytes(): number;
  stop(): Promise<void>;
}

/**
 * Benchmarks measure throughput, so their servers raise the per-principal rate limit (one
 * coordinator sends thousands of requests per second) explicitly; the limits themselves are
 * measured in test/faults/hardening-rate.test.ts. A benchmark's own arguments come after these.
 */
export const BENCH_CONFIG_LIMITS = { rateLimit: '1000000', rateBurst: '1000000' } as const;
const BENCH_LIMIT_FLAGS = [
  ...['--rate-limit', BENCH_CONFIG_LIMITS.rateLimit],
  ...['--rate-burst', BENCH_CONFIG_LIMITS.rateBurst],
];

/**
 * Runs the real `sigsocket serve` in a child process, so the server has an event loop (and a
 * core) of its own, as it would in production with clients elsewhere; the load generator runs
 * in this process. `nodeArgs` may add e.g. `--cpu-prof`.
 */
export function startServerProcess(
  serveArgs: string[],
  nodeArgs: string[] = [],
  /** An existing data directory to serve (default: a new empty one); removed on stop. */
  existingDataDir?: string,
): Promise<ServerProcess> {
  const dataDir = existingDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sigsocket-bench-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...nodeArgs,
      path.join(repoRoot, 'bin/sigsocket.js'),
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
      ...BENCH_LIMIT_FLAGS,
      ...serveArgs,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (!m) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve({
        url: m[1]!,
        pid: child.pid!,
        dataDir,
        cpuSeconds: () => processCpuSeconds(child.pid!),
        rssBytes: () => processRssBytes(child.pid!),
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
          fs.rmSync(dataDir, { recursive: true, force: true });
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.once('exit', (code) =>
      reject(new Error(`server exited (${code}) before listening:\n${out}`)),
    );
  });
}

/** utime + stime of a process from /proc/<pid>/stat, in seconds. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** VmRSS of a process from /proc/<pid>/status, in bytes. */
export function processRssBytes(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
  } catch {
    return NaN;
  }
}

/** The same server in this process (for comparison: server and load share one event loop). */
export async function startServerInProcess(
  serveArgs: Record<string, string>,
): Promise<ServerProcess> {
  const { startServer } = await import('../../server/app.js');
  const { resolveConfig } = await import('../../server/config.js');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigsocket-bench-'));
  const server = await startServer(
    resolveConfig({ port: 0, dataDir, logLevel: 'warn', ...BENCH_CONFIG_LIMITS, ...serveArgs }, {}),
  );
  return {
    url: server.url,
    pid: process.pid,
    dataDir,
    cpuSeconds: () => NaN,
    rssBytes: () => process.memoryUsage().rss,
    stop: async () => {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
