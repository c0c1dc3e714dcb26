import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = path.join(repoRoot, 'bin/sigsocket.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sigsocket <args>` as a child process and collects its output. */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface CliProcess {
  child: import('node:child_process').ChildProcess;
  /** Everything the process printed on stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
}

/**
 * Starts `sigsocket <args>` as a long-running child process and resolves once its output
 * matches `ready` (with the match); rejects if it exits first.
 */
export function spawnCliUntil(
  args: string[],
  ready: RegExp,
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<CliProcess & { ready: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve({ child, output: () => out, exited, ready: m });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', reject);
    void exited.then((code) =>
      reject(new Error(`sigsocket ${args[0]} exited (${code}) before it was ready:\n${out}`)),
    );
  });
}

export interface ServeProcess extends CliProcess {
  url: string;
}

/** Starts `sigsocket serve <args>` as a child process and waits until it listens. */
export async function spawnServe(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<ServeProcess> {
  const serve = await spawnCliUntil(
    ['serve', '--port', '0', '--log-level', 'warn', ...args],
    /listening on (\S+)/,
    opts,
  );
  return { ...serve, url: serve.ready[1]! };
}
