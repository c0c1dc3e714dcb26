import { Option, type Command } from 'commander';
import { serveOptions } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { KeystoreError, ParticipantError, runParticipant } from '../../client/participant/index.js';
import { closeClient, createClient } from '../../client/trpc.js';
import { StoppedError } from '../../client/retry.js';
import { cliErrorFrom } from '../api-errors.js';
import { approvalPolicy } from '../approval-prompt.js';
import {
  addClientOptions,
  envSwitch,
  keyFileOption,
  resolveClientOptions,
  type ClientFlags,
} from '../client-options.js';
import { CliError, printLine } from '../output.js';
import { printAgentEvent } from '../participant-output.js';
import { loadKeyForCli, runUntilSignal } from '../signer-output.js';

interface ParticipantFlags extends ClientFlags {
  keyFile: string;
  autoApprove?: boolean;
  keystore?: string;
  logLevel: string;
}

export function registerParticipant(program: Command): void {
  const cmd = program
    .command('participant')
    .description(
      'run a threshold participant named by the token: register the identity key, answer invitations, ' +
        'run keygen and signing rounds; reconnects forever and resumes where it stopped',
    )
    .addOption(keyFileOption())
    .addOption(
      new Option(
        '--auto-approve',
        'accept every invitation (default: ask on the terminal; refuse when there is none) [env SIGSOCKET_AUTO_APPROVE=on]',
      ),
    )
    .addOption(
      new Option(
        '--keystore <dir>',
        'encrypted keystore directory (default: <key-file>.keystore)',
      ).env('SIGSOCKET_KEYSTORE'),
    )
    .addOption(
      new Option('--log-level <level>', 'JSON logs on stderr')
        .choices(serveOptions.logLevel.schema.options)
        .default('warn')
        .env('SIGSOCKET_LOG_LEVEL'),
    );
  addClientOptions(cmd);
  cmd.action(async (flags: ParticipantFlags) => {
    const options = resolveClientOptions(flags, { requireToken: true });
    const approve = approvalPolicy(
      flags.autoApprove === true || envSwitch('SIGSOCKET_AUTO_APPROVE'),
    );
    const identitySecretKey = loadKeyForCli(flags.keyFile);
    const keystoreDir = flags.keystore ?? `${flags.keyFile}.keystore`;
    const client = createClient(options);
    let handle;
    try {
      handle = runParticipant({
        client,
        identitySecretKey,
        keystoreDir,
        approve,
        onEvent: printAgentEvent,
        logger: createLogger(flags.logLevel),
      });
    } catch (err) {
      await closeClient(client);
      if (err instanceof KeystoreError) throw new CliError('CLI_FILE', err.message);
      throw err;
    }
    // Unreachable servers are waited for; a definite refusal (bad token, key conflict) ends it.
    handle.ready.catch(async (err: unknown) => {
      if (err instanceof StoppedError) return;
      const reason = err instanceof ParticipantError ? err : cliErrorFrom(err, options.url);
      process.stderr.write(`sigsocket: ${(reason as Error).message}\n`);
      await handle.stop();
      await closeClient(client);
      process.exit(1);
    });
    printLine(`participant agent -> ${options.url} (keystore ${keystoreDir})`);
    await runUntilSignal(handle, () => closeClient(client));
  });
}
