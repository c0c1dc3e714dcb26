import fs from 'node:fs';
import path from 'node:path';
import { SigSocketError } from '../protocol/errors.js';

export class DataDirLockedError extends SigSocketError<'DATA_DIR_LOCKED'> {
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(
      'DATA_DIR_LOCKED',
      `data directory ${path.dirname(lockFile)} is in use by process ${pid} ` +
        `(lock file ${lockFile}); stop that server or use another --data-dir`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes this process the single owner of a data directory. The lock file holds the owner's
 * pid; a lock left by a process that died (crash, SIGKILL) is taken over.
 * Returns the function that releases it.
 */
export function lockDataDir(dir: string): () => void {
  const lockFile = path.join(dir, 'sigsocket.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx', 0o600);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockFile, 'utf8').trim() === String(process.pid))
            fs.unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(fs.readFileSync(lockFile, 'utf8').trim(), 10);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
        throw new DataDirLockedError(lockFile, pid);
      fs.rmSync(lockFile, { force: true }); // stale: its owner is gone
    }
  }
  // Three takeovers in a row lost to another process: give up rather than loop.
  throw new SigSocketError('DATA_DIR_LOCK_CONTENDED', `could not take the lock ${lockFile}`);
}
