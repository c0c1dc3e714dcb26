import type { Command } from 'commander';
import { runSigner } from '../../client/signer/typed.js';
import { closeClient, createClient } from '../../client/trpc.js';
import {
  addClientOptions,
  keyFileOption,
  resolveClientOptions,
  type ClientFlags,
} from '../client-options.js';
import { printLine } from '../output.js';
import { loadKeyForCli, runUntilSignal, signerEvents } from '../signer-output.js';

export function registerSigner(program: Command): void {
  const cmd = program
    .command('signer')
    .description(
      'hold a key and sign every request as a typed signer (tRPC signer.attach), reconnecting forever',
    )
    .addOption(keyFileOption());
  addClientOptions(cmd);
  cmd.action(async (flags: ClientFlags & { keyFile: string }) => {
    const options = resolveClientOptions(flags, { requireToken: true });
    const secretKey = loadKeyForCli(flags.keyFile);
    const client = createClient(options);
    const events = signerEvents();
    const handle = runSigner({ url: options.url, client, secretKey, onEvent: events.onEvent });
    printLine(`typed signer for public key ${handle.publicKey} -> ${options.url}`);
    await runUntilSignal(handle, () => closeClient(client), events.gaveUp);
  });
}
