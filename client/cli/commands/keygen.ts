import { Option, type Command } from 'commander';
import { SCHEMES } from '../../../protocol/frost/schemes.js';
import { KeygenCreateInputSchema } from '../../../protocol/sessions.js';
import { startKeygen } from '../../coordinator/index.js';
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

interface KeygenFlags extends ClientFlags {
  threshold: string;
  participants: string;
  scheme: string;
  label?: string;
  timeoutMs?: string;
  sessionId?: string;
  json?: boolean;
}

export function registerKeygen(program: Command): void {
  const cmd = program
    .command('keygen')
    .description('start a t-of-n distributed key generation and follow it; exit 0 only if it completes')
    .addOption(new Option('--threshold <t>', 'signatures needed (t)').env('SIGSOCKET_THRESHOLD').makeOptionMandatory())
    .addOption(participantsOption('key holders (n), in index order'))
    .addOption(new Option('--scheme <scheme>', 'signature scheme').choices(SCHEMES).default('frost-secp256k1').env('SIGSOCKET_SCHEME'))
    .addOption(new Option('--label <text>', 'a label shown to the participants').env('SIGSOCKET_LABEL'))
    .addOption(timeoutOption())
    .addOption(sessionIdOption())
    .addOption(jsonOption());
  addClientOptions(cmd);
  cmd.action(async (flags: KeygenFlags) => {
    const options = resolveClientOptions(flags, { requireToken: true });
    const input = parseFlags(
      KeygenCreateInputSchema,
      {
        threshold: Number(flags.threshold),
        participants: splitNames(flags.participants),
        scheme: flags.scheme,
        ...(flags.label !== undefined ? { label: flags.label } : {}),
        ...(flags.sessionId !== undefined ? { sessionId: flags.sessionId } : {}),
        timeouts: timeoutsOf(flags.timeoutMs),
      },
      { threshold: '--threshold', participants: '--participants', scheme: '--scheme', label: '--label', sessionId: '--session-id', timeouts: '--timeout-ms' },
    );
    const client = createClient(options);
    try {
      const { session } = await startKeygen(client, input).catch((err: unknown) => {
        throw cliErrorFrom(err, options.url);
      });
      await followToEnd(client, session.id, { json: flags.json === true, serverUrl: options.url });
    } finally {
      await closeClient(client);
    }
  });
}
