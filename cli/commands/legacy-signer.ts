import { Option, type Command } from 'commander';
import { z } from 'zod';
import { serveOptions } from '../../server/config.js';
import { runLegacySigner } from '../../client/signer/legacy.js';
import {
  addClientOptions,
  keyFileOption,
  resolveClientOptions,
  type ClientFlags,
} from '../client-options.js';
import { printLine } from '../output.js';
import { parseFlags } from '../session-options.js';
import { loadKeyForCli, runUntilSignal, signerEvents } from '../signer-output.js';

// The same bounds and default as the server's --max-frame-bytes, whose value it should match.
const FlagsSchema = z.object({ maxFrameBytes: serveOptions.maxFrameBytes.schema });

export function registerLegacySigner(program: Command): void {
  const cmd = program
    .command('legacy-signer')
    .description(
      'hold a key and sign every request over the legacy raw-WebSocket protocol (/ws), reconnecting forever',
    )
    .addOption(keyFileOption())
    .addOption(
      new Option(
        '--max-frame-bytes <n>',
        'largest frame accepted from the server: its --max-frame-bytes, if raised (larger frames close the connection)',
      )
        .default(serveOptions.maxFrameBytes.default)
        .env('SIGSOCKET_MAX_FRAME_BYTES'),
    );
  addClientOptions(cmd, { token: false });
  cmd.action(async (flags: ClientFlags & { keyFile: string; maxFrameBytes: string }) => {
    const client = resolveClientOptions(flags);
    const { maxFrameBytes } = parseFlags(
      FlagsSchema,
      { maxFrameBytes: flags.maxFrameBytes },
      { maxFrameBytes: '--max-frame-bytes' },
    );
    const secretKey = loadKeyForCli(flags.keyFile);
    const events = signerEvents();
    const handle = runLegacySigner({
      ...client,
      secretKey,
      maxFrameBytes,
      onEvent: events.onEvent,
    });
    printLine(`legacy signer for public key ${handle.publicKey} -> ${client.url}`);
    await runUntilSignal(handle, undefined, events.gaveUp);
  });
}
