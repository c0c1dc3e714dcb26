import { SigSocketError } from '../protocol/errors.js';

/**
 * Why a command stopped: `CLI_USAGE` a flag or argument is wrong, `CLI_FILE` a file named on the
 * command line cannot be used, `CLI_API` the server refused or could not be reached,
 * `CLI_SESSION_ENDED` the session followed ended in a state other than `completed`,
 * `CLI_VERIFY` it completed but what it reported does not check out here (an ECDSA signature).
 */
export type CliErrorCode =
  'CLI_USAGE' | 'CLI_FILE' | 'CLI_API' | 'CLI_SESSION_ENDED' | 'CLI_VERIFY';

/** Fatal CLI error: printed as `sigsocket: <message>` on stderr, exit code 1 (or the one given). */
export class CliError extends SigSocketError<CliErrorCode> {
  constructor(
    code: CliErrorCode,
    message: string,
    readonly exitCode = 1,
  ) {
    super(code, message);
  }
}

/** One JSON document on stdout (for --json). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printLine(line = ''): void {
  process.stdout.write(line + '\n');
}

/**
 * Lines on stdout behind the current time. A status line given with `collapse` is skipped when it
 * repeats the line printed last: a signer or agent retrying an unreachable server says so once,
 * not at every attempt (every signature, answer or error still gets its line).
 */
export function timestampedLines(): (text: string, opts?: { collapse?: boolean }) => void {
  let last: string | undefined;
  return (text, opts = {}) => {
    if (opts.collapse && text === last) return;
    last = text;
    printLine(`${new Date().toISOString()} ${text}`);
  };
}
