import type { Command } from 'commander';
import { SessionIdSchema } from '../../protocol/sessions.js';
import { closeClient, createClient } from '../../client/trpc.js';
import { cliErrorFrom } from '../api-errors.js';
import { addClientOptions, resolveClientOptions, type ClientFlags } from '../client-options.js';
import { CliError } from '../output.js';
import { followToEnd } from '../session-runner.js';
import { jsonOption, wantsJson } from '../session-options.js';

export function registerWatch(program: Command): void {
  const cmd = program
    .command('watch')
    .description('show live progress of a session (phase, who is awaited, time left) until it ends')
    .argument('<sessionId>', 'the session to follow')
    .addOption(jsonOption());
  addClientOptions(cmd);
  cmd.action(async (sessionId: string, flags: ClientFlags & { json?: boolean }) => {
    if (!SessionIdSchema.safeParse(sessionId).success)
      throw new CliError('CLI_USAGE', `invalid session id ${JSON.stringify(sessionId)}`);
    const options = resolveClientOptions(flags, { requireToken: true });
    const client = createClient(options);
    try {
      // Fail fast on an unknown session or an unreachable server (following waits forever).
      await client.session.get.query({ sessionId }).catch((err: unknown) => {
        throw cliErrorFrom(err, options.url);
      });
      await followToEnd(client, sessionId, { json: wantsJson(flags), serverUrl: options.url });
    } finally {
      await closeClient(client);
    }
  });
}
