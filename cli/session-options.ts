// Flags shared by the session commands (keygen, sign, watch, sessions), each with its
// SIGSOCKET_<FLAG> environment fallback (docs/coordinator.md, "Commands"), and their validation.
import { Option } from 'commander';
import type { z } from 'zod';
import { envSwitch, type ClientFlags } from './client-options.js';
import { describeIssues } from '../protocol/validation.js';
import { CliError } from './output.js';

/** Flags of the commands that start a session (keygen, sign). */
export interface StartFlags extends ClientFlags {
  timeoutMs?: string;
  sessionId?: string;
  json?: boolean;
}

export const jsonOption = () =>
  new Option(
    '--json',
    'print one JSON document on stdout (progress goes to stderr) [env SIGSOCKET_JSON=on]',
  );

/** --json, or SIGSOCKET_JSON=on (a boolean flag's variable is read as on/off, not as "set"). */
export const wantsJson = (flags: { json?: boolean }) =>
  flags.json === true || envSwitch('SIGSOCKET_JSON');

export const sessionIdOption = () =>
  new Option('--session-id <id>', 'choose the session id (makes a retried create idempotent)').env(
    'SIGSOCKET_SESSION_ID',
  );

export const participantsOption = (what: string) =>
  new Option('--participants <names>', `comma-separated names of the ${what}`)
    .env('SIGSOCKET_PARTICIPANTS')
    .makeOptionMandatory();

export const timeoutOption = () =>
  new Option(
    '--timeout-ms <ms>',
    'deadline of every phase: the invitation and each round (server bounds apply)',
  ).env('SIGSOCKET_TIMEOUT_MS');

export const splitNames = (list: string) =>
  list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** `{ inviteMs: N, roundMs: N }` from --timeout-ms (a positive integer), or undefined. */
export function timeoutsOf(
  value: string | undefined,
): { inviteMs: number; roundMs: number } | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new CliError(
      'CLI_USAGE',
      `invalid --timeout-ms ${JSON.stringify(value)}: expected a positive integer`,
    );
  return { inviteMs: ms, roundMs: ms };
}

/** Parses with `schema` or fails with every issue, named by flag where possible. */
export function parseFlags<S extends z.ZodType>(
  schema: S,
  value: unknown,
  flagOf: Record<string, string>,
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  // Each issue is named by the flag of its top-level field (a nested path says no more to a user).
  const issues = r.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    return { message: issue.message, path: key === '' ? [] : [flagOf[key] ?? key] };
  });
  const why = describeIssues({ issues }, { root: 'input' });
  throw new CliError('CLI_USAGE', `invalid arguments: ${why}`);
}
