import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { SigSocketError } from '../protocol/errors.js';

export class DataDirLockedError extends SigSocketError<'DATA_DIR_LOCKED'> {
  constructor(
    readonly lockFile: string,
    /** The holder's pid, when its pid file could be read. */
    readonly pid: number | undefined,
  ) {
    super(
      'DATA_DIR_LOCKED',
      `data directory ${path.dirname(lockFile)} is in use by ` +
        `${pid === undefined ? 'another process' : `process ${pid}`} ` +
        `(lock file ${lockFile}); stop that server or use another --data-dir`,
    );
  }
}

/** The OS-level lock: a SQLite file held in exclusive locking mode (never deleted, see below). */
const LOCK_DB = 'sigsocket.lock.db';
/** The holder's pid, for the messages of those who find the directory taken. */
const PID_FILE = 'sigsocket.lock';
/** Tries at the lock before a start gives up (see takeExclusiveWithRetries). */
const LOCK_TRIES = 5;
/** How long a loser waits for the winner of a race to write its pid file (in 10 ms steps). */
const PID_WAIT_STEPS = 100;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The holder's pid as its pid file says. A holder that has just won the lock may not have
 * written it yet (and the file may still name a dead predecessor): wait briefly for a live pid.
 * Our own pid counts only when this process holds the lock (a second open in one process).
 */
function holderPid(pidFile: string, lockDb: string): number | undefined {
  const shared = new Int32Array(new SharedArrayBuffer(4));
  for (let step = 0; step < PID_WAIT_STEPS; step++) {
    const pid = readPid(pidFile);
    if (pid !== undefined && isAlive(pid) && (pid !== process.pid || heldHere.has(lockDb)))
      return pid;
    Atomics.wait(shared, 0, 0, 10);
  }
  return undefined;
}

/** Lock files this process holds (a second open of one of them is refused like another's). */
const heldHere = new Set<string>();

/** Takes the OS lock on `file`, or returns undefined when another connection holds it. */
function takeExclusive(file: string): Database.Database | undefined {
  // timeout 0: a held lock answers SQLITE_BUSY at once instead of after better-sqlite3's 5 s.
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = MEMORY');
    // The first write takes the exclusive lock, which EXCLUSIVE mode keeps until close().
    db.pragma(`user_version = ${process.pid}`);
    return db;
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return undefined;
    throw err;
  }
}

/**
 * Racing processes can each hold SQLite's SHARED lock for an instant, so the first write of the
 * one that would win may also answer SQLITE_BUSY: a few tries, apart by a random few ms, make
 * sure one of them gets it (docs/reliability.md, "The data directory lock").
 */
function takeExclusiveWithRetries(file: string): Database.Database | undefined {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    const db = takeExclusive(file);
    if (db || attempt === LOCK_TRIES - 1) return db;
    Atomics.wait(pause, 0, 0, 10 + Math.floor(Math.random() * 40));
  }
}

/**
 * Makes this process the single owner of a data directory (docs/reliability.md, "The data
 * directory lock"). The lock is SQLite's own file lock (POSIX fcntl) on `sigsocket.lock.db`,
 * held in exclusive locking mode for as long as the server runs: taking it is atomic, two
 * processes can never both hold it, another connection in this process is refused too, and
 * the OS drops it when its holder dies (crash, SIGKILL), so a stale lock cannot exist. The
 * `sigsocket.lock` file beside it only names the holder's pid for messages; whatever pid it
 * holds (a dead process, or our own pid after a container restart) does not matter. The lock
 * database is never deleted: unlinking it while another process opens it would let two
 * processes lock two different files. Returns the function that releases the lock.
 */
export function lockDataDir(dir: string): () => void {
  const lockDb = path.join(dir, LOCK_DB);
  const pidFile = path.join(dir, PID_FILE);
  const db = takeExclusiveWithRetries(lockDb);
  if (!db) throw new DataDirLockedError(pidFile, holderPid(pidFile, lockDb));
  heldHere.add(lockDb);
  // Written whole, then renamed: a reader never sees a half-written pid.
  const temp = `${pidFile}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${process.pid}\n`, { mode: 0o600 });
  fs.renameSync(temp, pidFile);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (readPid(pidFile) === process.pid) fs.rmSync(pidFile, { force: true });
    heldHere.delete(lockDb);
    db.close();
  };
}
