import { Option, type Command } from 'commander';
import { SignCreateInputSchema } from '../../../protocol/sessions.js';
import { startSign } from '../../coordinator/index.js';
import { closeClient, createClient } from '../../trpc.js';
import { cliErrorFrom } from '../api-errors.js';
import { addClientOptions, resolveClientOptions, type ClientFlags } from '../client-options.js';
import { followToEnd } from '../session-runner.js';
import {
  jsonOption,
  parseFlags,
  participantsOption,
  sessionIdOption,
  splitNames,
  timeoutOption,
  timeoutsOf,
} from '../session-options.js';

interface SignFlags extends ClientFlags {
  key: string;
  message: string;
  participants: string;
  timeoutMs?: string;
  sessionId?: string;
  json?: boolean;
}

export function registerSign(program: Command): void {
  const cmd = program
    .command('sign')
    .description('have t participants of a threshold key sign a message; exit 0 only if it completes')
    .addOption(new Option('--key <keyId>', 'the key (from keygen)').env('SIGSOCKET_KEY').makeOptionMandatory())
    .addOption(new Option('--message <hex>', 'the message, hex (signed as given, no pre-hash)').env('SIGSOCKET_MESSAGE').makeOptionMandatory())
    .addOption(participantsOption('signers (at least t of the key holders)'))
    .addOption(timeoutOption())
    .addOption(sessionIdOption())
    .addOption(jsonOption());
  addClientOptions(cmd);
  cmd.action(async (flags: SignFlags) => {
    const options = resolveClientOptions(flags, { requireToken: true });
    const input = parseFlags(
      SignCreateInputSchema,
      {
        keyId: flags.key,
        message: flags.message,
        participants: splitNames(flags.participants),
        ...(flags.sessionId !== undefined ? { sessionId: flags.sessionId } : {}),
        timeouts: timeoutsOf(flags.timeoutMs),
      },
      { keyId: '--key', message: '--message', participants: '--participants', sessionId: '--session-id', timeouts: '--timeout-ms' },
    );
    const client = createClient(options);
    try {
      const { session } = await startSign(client, input).catch((err: unknown) => {
        throw cliErrorFrom(err, options.url);
      });
      await followToEnd(client, session.id, { json: flags.json === true, serverUrl: options.url });
    } finally {
      await closeClient(client);
    }
  });
}
