import type { Command } from 'commander';
import { runLegacySigner } from '../../signer/legacy.js';
import { addClientOptions, keyFileOption, resolveClientOptions, type ClientFlags } from '../client-options.js';
import { printLine } from '../output.js';
import { loadKeyForCli, printSignerEvent, runUntilSignal } from '../signer-output.js';

export function registerLegacySigner(program: Command): void {
  const cmd = program
    .command('legacy-signer')
    .description('hold a key and sign every request over the legacy raw-WebSocket protocol (/ws), reconnecting forever')
    .addOption(keyFileOption());
  addClientOptions(cmd, { token: false });
  cmd.action(async (flags: ClientFlags & { keyFile: string }) => {
    const client = resolveClientOptions(flags);
    const secretKey = loadKeyForCli(flags.keyFile);
    const handle = runLegacySigner({ ...client, secretKey, onEvent: printSignerEvent });
    printLine(`legacy signer for public key ${handle.publicKey} -> ${client.url}`);
    await runUntilSignal(handle);
  });
}
