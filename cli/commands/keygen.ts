import { Option, type Command } from 'commander';
import { KeygenCreateInputSchema } from '../../protocol/sessions.js';
import { THRESHOLD_SCHEMES } from '../../protocol/threshold-schemes.js';
import { startKeygen } from '../../client/coordinator/index.js';
import { addClientOptions } from '../client-options.js';
import { schemesHelp } from '../scheme-help.js';
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

interface KeygenFlags extends StartFlags {
  threshold: string;
  participants: string;
  scheme: string;
  label?: string;
}

export function registerKeygen(program: Command): void {
  const cmd = program
    .command('keygen')
    .description(
      'start a t-of-n distributed key generation and follow it; exit 0 only if it completes',
    )
    .addOption(
      new Option('--threshold <t>', 'signatures needed (t)')
        .env('SIGSOCKET_THRESHOLD')
        .makeOptionMandatory(),
    )
    .addOption(participantsOption('key holders (n), in index order'))
    .addOption(
      new Option(
        '--scheme <scheme>',
        'signature scheme (dkls23-secp256k1: threshold ECDSA, Ethereum and Bitcoin P2WPKH addresses)',
      )
        .choices(THRESHOLD_SCHEMES)
        .default('frost-secp256k1')
        .env('SIGSOCKET_SCHEME'),
    )
    .addOption(
      new Option('--label <text>', 'a label shown to the participants').env('SIGSOCKET_LABEL'),
    )
    .addOption(timeoutOption())
    .addOption(sessionIdOption())
    .addOption(jsonOption())
    .addHelpText('after', schemesHelp());
  addClientOptions(cmd);
  cmd.action(async (flags: KeygenFlags) => {
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
      {
        threshold: '--threshold',
        participants: '--participants',
        scheme: '--scheme',
        label: '--label',
        sessionId: '--session-id',
        timeouts: '--timeout-ms',
      },
    );
    await startAndFollow(flags, (client) => startKeygen(client, input));
  });
}
