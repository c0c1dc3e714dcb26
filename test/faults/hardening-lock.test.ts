/**
 * The data-directory lock (db/lock.ts, docs/reliability.md "The data directory lock") against
 * real processes: a pid file naming the starting process itself (PID 1 in a restarted
 * container) does not block it; a live holder refuses the next server with DATA_DIR_LOCKED
 * naming it, and keeps serving; a holder killed with SIGKILL leaves nothing that blocks the
 * next start; and of six processes racing for one directory exactly one wins.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../db/lock.js';
import { repoRoot, runCli, spawnServe, type ServeProcess } from '../support/cli.js';
import { tempDir } from '../support/server.js';
import { waitFor } from '../support/signing.js';
import { expectResponsive, whileProbing } from './support/hardening.js';

const RACERS = 6;
const ROUNDS = 3;

const started: ChildProcess[] = [];

afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }
});

const pidFile = (dir: string) => path.join(dir, 'sigsocket.lock');

/**
 * A process that takes the lock of `dir` when told to (a line on stdin), so that several can
 * be released at the same instant; it prints `LOCKED <pid>` or `REFUSED <code> <message>` and,
 * when it won, holds the lock until killed. With `plantOwnPid` it first writes its own pid
 * into the pid file, as a container restarted as PID 1 finds it.
 */
interface Taker {
  child: ChildProcess;
  ready: Promise<void>;
  outcome: Promise<string>;
}

function startTaker(dir: string, opts: { plantOwnPid?: boolean } = {}): Taker {
  const lockModule = path.join(repoRoot, 'db/lock.ts');
  const script = `
    import fs from 'node:fs';
    import { lockDataDir } from ${JSON.stringify(lockModule)};
    if (${Boolean(opts.plantOwnPid)}) fs.writeFileSync(${JSON.stringify(pidFile(dir))}, process.pid + '\\n');
    process.stdin.once('data', () => {
      try {
        lockDataDir(${JSON.stringify(dir)});
        console.log('LOCKED ' + process.pid);
      } catch (err) {
        console.log('REFUSED ' + err.code + ' ' + err.message);
        process.exit(3);
      }
    });
    console.log('READY');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  started.push(child);
  let out = '';
  let markReady = () => {};
  let settle: (line: string) => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const outcome = new Promise<string>((resolve) => (settle = resolve));
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('READY')) markReady();
    const line = /^(LOCKED|REFUSED) .*$/m.exec(out);
    if (line) settle(line[0]);
  });
  child.once('exit', (code) => settle(`EXITED ${code}`));
  return { child, ready, outcome };
}

async function killed(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

describe('data directory lock: stale pid files', () => {
  it('starts when the pid file names the starting process itself', async () => {
    const dir = tempDir('sigsocket-lock-');
    const taker = startTaker(dir, { plantOwnPid: true });
    await taker.ready;
    taker.child.stdin!.write('go\n');
    expect(await taker.outcome).toBe(`LOCKED ${taker.child.pid}`);
    expect(fs.readFileSync(pidFile(dir), 'utf8').trim()).toBe(String(taker.child.pid));
  }, 30_000);

  it('in one process: our own stale pid is no lock, but a lock we hold refuses a second open', () => {
    const dir = tempDir('sigsocket-lock-');
    fs.writeFileSync(pidFile(dir), `${process.pid}\n`);
    const release = lockDataDir(dir);
    try {
      let refused: unknown;
      try {
        lockDataDir(dir);
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(DataDirLockedError);
      expect((refused as DataDirLockedError).pid).toBe(process.pid);
    } finally {
      release();
    }
    expect(fs.existsSync(pidFile(dir))).toBe(false);
    lockDataDir(dir)(); // released: free again
  });
});

describe('data directory lock: a live holder', () => {
  let holder: ServeProcess | undefined;
  afterEach(async () => {
    holder?.child.kill('SIGTERM');
    await holder?.exited;
    holder = undefined;
  });

  it('refuses a second server with DATA_DIR_LOCKED naming the holder, which keeps serving', async () => {
    const dir = tempDir('sigsocket-lock-');
    holder = await spawnServe(['--data-dir', dir]);
    const before = fs.readdirSync(dir).sort();
    const probed = await whileProbing(holder.url, () =>
      runCli(['serve', '--port', '0', '--data-dir', dir]),
    );
    expectResponsive(probed, 'second server on a held data directory');
    const second = probed.result;
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`is in use by process ${holder.child.pid}`);
    expect(second.stderr).toContain(pidFile(dir));
    // The refused server changed nothing: same files, the holder's pid file, the holder serves.
    expect(fs.readdirSync(dir).sort()).toEqual(before);
    expect(fs.readFileSync(pidFile(dir), 'utf8').trim()).toBe(String(holder.child.pid));
    const status = await fetch(`${holder.url}/status`);
    expect(status.status).toBe(200);
  }, 90_000);

  it('lets the next server start after the holder was killed with SIGKILL', async () => {
    const dir = tempDir('sigsocket-lock-');
    const first = await spawnServe(['--data-dir', dir]);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(fs.readFileSync(pidFile(dir), 'utf8').trim()).toBe(String(first.child.pid)); // left behind
    holder = await spawnServe(['--data-dir', dir]);
    expect((await fetch(`${holder.url}/healthz`)).status).toBe(200);
    expect(fs.readFileSync(pidFile(dir), 'utf8').trim()).toBe(String(holder.child.pid));
  }, 90_000);
});

describe('data directory lock: races', () => {
  it(`of ${RACERS} processes released at once, exactly one wins, ${ROUNDS} rounds`, async () => {
    const dir = tempDir('sigsocket-lock-');
    for (let round = 0; round < ROUNDS; round++) {
      const takers = Array.from({ length: RACERS }, () => startTaker(dir));
      await Promise.all(takers.map((t) => t.ready));
      for (const t of takers) t.child.stdin!.write('go\n');
      const outcomes = await Promise.all(takers.map((t) => t.outcome));
      const winners = takers.filter((_, i) => outcomes[i]!.startsWith('LOCKED'));
      expect(winners, `round ${round}: ${outcomes.join(' | ')}`).toHaveLength(1);
      const winner = winners[0]!;
      for (const [i, outcome] of outcomes.entries()) {
        if (takers[i] === winner) continue;
        expect(outcome, `round ${round}`).toMatch(/^REFUSED DATA_DIR_LOCKED /);
        expect(outcome, `round ${round}`).toContain(`in use by process ${winner.child.pid}`);
      }
      // The winner dies without releasing: the next round races over its stale pid file.
      for (const t of takers) if (t !== winner) await t.outcome;
      await killed(winner.child);
    }
  }, 120_000);

  it(`of ${RACERS} sigsocket serve processes on one directory, exactly one listens`, async () => {
    const dir = tempDir('sigsocket-lock-');
    const attempts = await Promise.allSettled(
      Array.from({ length: RACERS }, () => spawnServe(['--data-dir', dir])),
    );
    const running = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    for (const serve of running) started.push(serve.child);
    expect(running).toHaveLength(1);
    const winner = running[0]!;
    for (const attempt of attempts) {
      if (attempt.status === 'fulfilled') continue;
      expect(String(attempt.reason)).toContain(`is in use by process ${winner.child.pid}`);
    }
    await waitFor(
      async () => (await fetch(`${winner.url}/healthz`)).status === 200,
      'the winner answers',
    );
  }, 120_000);
});
