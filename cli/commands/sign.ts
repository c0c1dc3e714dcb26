import { Option, type Command } from 'commander';
import { SignCreateInputSchema } from '../../protocol/sessions.js';
import { startSign } from '../../client/coordinator/index.js';
import { addClientOptions } from '../client-options.js';
import { startAndFollow } from '../session-runner.js';
import {
  jsonOption,
  parseFlags,
  participantsOption,
  sessionIdOption,
  splitNames,
  timeoutOption,
  timeoutsOf,
  type StartFlags,
} from '../session-options.js';

interface SignFlags extends StartFlags {
  key: string;
  message: string;
  participants: string;
}

export function registerSign(program: Command): void {
  const cmd = program
    .command('sign')
    .description(
      'have t participants of a threshold key sign a message; exit 0 only if it completes',
    )
    .addOption(
      new Option('--key <keyId>', 'the key (from keygen)')
        .env('SIGSOCKET_KEY')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--message <hex>', 'the message, hex (signed as given, no pre-hash)')
        .env('SIGSOCKET_MESSAGE')
        .makeOptionMandatory(),
    )
    .addOption(participantsOption('signers (at least t of the key holders)'))
    .addOption(timeoutOption())
    .addOption(sessionIdOption())
    .addOption(jsonOption());
  addClientOptions(cmd);
  cmd.action(async (flags: SignFlags) => {
    const input = parseFlags(
      SignCreateInputSchema,
      {
        keyId: flags.key,
        message: flags.message,
        participants: splitNames(flags.participants),
        ...(flags.sessionId !== undefined ? { sessionId: flags.sessionId } : {}),
        timeouts: timeoutsOf(flags.timeoutMs),
      },
      {
        keyId: '--key',
        message: '--message',
        participants: '--participants',
        sessionId: '--session-id',
        timeouts: '--timeout-ms',
      },
    );
    await startAndFollow(flags, (client) => startSign(client, input));
  });
}
