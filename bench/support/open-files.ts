// The open-file limit of the processes that hold many connections. Every Node process already
// raises its own soft limit to the hard limit as it starts (PlatformInit in Node's src/node.cc:
// "Raise the open file descriptor limit"), so this process and the children it starts run at
// the hard limit whatever `ulimit -Sn` said: a shell wrapper running `ulimit -n` before
// `exec node` would change nothing. What can be too low is the hard limit, which only root
// can raise.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface OpenFileLimits {
  /** Infinity when unlimited; NaN when unknown. */
  soft: number;
  hard: number;
}

const parseLimit = (text: string | undefined) =>
  text === undefined || text === 'unlimited' ? Infinity : Number(text);

/** The soft and hard open-file limits of process `pid` (this one by default). */
export function openFileLimits(pid: number | 'self' = 'self'): OpenFileLimits {
  try {
    const limits = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
    return { soft: parseLimit(m?.[1]), hard: parseLimit(m?.[2]) };
  } catch {
    if (pid !== 'self') return { soft: NaN, hard: NaN };
    // No /proc (macOS): ask a shell, which inherits this process's limits.
    const [soft, hard] = execFileSync('/bin/sh', ['-c', 'ulimit -S -n; ulimit -H -n'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    return { soft: parseLimit(soft), hard: parseLimit(hard) };
  }
}

/**
 * This process's limits, if its children (which inherit them, and which Node lets start at
 * the hard limit) may each open `needed` files; otherwise an error that says what to raise.
 */
export function requireOpenFiles(needed: number, who: string): OpenFileLimits {
  const limits = openFileLimits();
  if (limits.soft >= needed) return limits;
  const { soft, hard } = limits;
  throw new Error(
    hard >= needed
      ? `${who} needs ${needed} open files per process, but the soft limit is ${soft}: ulimit -Sn ${needed}`
      : `${who} needs ${needed} open files per process, but the hard limit is ${hard} (Node has ` +
          `already raised the soft limit to it), and only root can raise a hard limit: as root ` +
          `ulimit -Hn ${needed}, or nofile in /etc/security/limits.conf, LimitNOFILE= for a ` +
          `systemd unit, --ulimit nofile=${needed} for docker; or a smaller --k`,
  );
}
