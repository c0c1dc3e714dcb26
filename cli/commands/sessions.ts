import { Option, type Command } from 'commander';
import { DatabaseFileError, openDatabaseReadOnly } from '../../db/read-only.js';
import { listSessionSummaries } from '../../db/sessions.js';
import type { SessionSummary } from '../../protocol/session-view.js';
import { DEFAULT_LIST_LIMIT, ListInputSchema } from '../../protocol/sessions.js';
import { closeClient, createClient } from '../../client/trpc.js';
import { cliErrorFrom } from '../api-errors.js';
import { addClientOptions, resolveClientOptions, type ClientFlags } from '../client-options.js';
import { CliError, printJson, printLine } from '../output.js';
import { jsonOption, parseFlags, wantsJson } from '../session-options.js';
import { sessionsTable } from '../sessions-table.js';

interface SessionsFlags extends ClientFlags {
  state?: string;
  kind?: string;
  limit: string;
  db?: string;
  json?: boolean;
}

type Filter = NonNullable<ReturnType<typeof ListInputSchema.parse>>;

/** Straight from the SQLite file, read-only (no server, no token: file permissions decide). */
function fromDatabase(file: string, filter: Filter): SessionSummary[] {
  let opened;
  try {
    opened = openDatabaseReadOnly(file);
  } catch (err) {
    if (err instanceof DatabaseFileError) throw new CliError('CLI_FILE', err.message);
    throw err;
  }
  try {
    return listSessionSummaries(opened.db, filter);
  } finally {
    opened.close();
  }
}

async function fromApi(flags: SessionsFlags, filter: Filter): Promise<SessionSummary[]> {
  const options = resolveClientOptions(flags, { requireToken: true });
  const client = createClient(options);
  try {
    return await client.session.list.query(filter).catch((err: unknown) => {
      throw cliErrorFrom(err, options.url);
    });
  } finally {
    await closeClient(client);
  }
}

export function registerSessions(program: Command): void {
  const cmd = program
    .command('sessions')
    .description(
      'list sessions, newest first: through the API, or straight from the database file with --db',
    )
    .addOption(
      new Option(
        '--state <state>',
        'only this state (inviting, round1, ..., completed, failed, timed_out, ...)',
      ).env('SIGSOCKET_STATE'),
    )
    .addOption(
      new Option('--kind <kind>', 'only this kind')
        .choices(['keygen', 'sign'])
        .env('SIGSOCKET_KIND'),
    )
    .addOption(
      new Option('--limit <n>', 'at most this many (1-100)')
        .default(String(DEFAULT_LIST_LIMIT))
        .env('SIGSOCKET_LIMIT'),
    )
    .addOption(
      new Option(
        '--db <file>',
        'read this SQLite file directly, read-only (operators; no server needed)',
      ).env('SIGSOCKET_DB'),
    )
    .addOption(jsonOption());
  addClientOptions(cmd);
  cmd.action(async (flags: SessionsFlags) => {
    const filter = parseFlags(
      ListInputSchema.unwrap(),
      {
        limit: Number(flags.limit),
        ...(flags.kind !== undefined ? { kind: flags.kind } : {}),
        ...(flags.state !== undefined ? { state: flags.state } : {}),
      },
      { limit: '--limit', kind: '--kind', state: '--state' },
    );
    const sessions = flags.db ? fromDatabase(flags.db, filter) : await fromApi(flags, filter);
    if (wantsJson(flags)) printJson(sessions);
    else printLine(sessionsTable(sessions));
  });
}
