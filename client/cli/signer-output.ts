import { loadOrCreateKeyFile, KeyFileError } from '../key-file.js';
import type { SignerEvent, SignerHandle } from '../signer/types.js';
import { CliError, printLine } from './output.js';

/** Loads (or creates) the key file, telling the user what happened. */
export function loadKeyForCli(file: string): Uint8Array {
  try {
    const loaded = loadOrCreateKeyFile(file);
    if (loaded.created)
      process.stderr.write(`sigsocket: created a new key in ${file} (mode 0600)\n`);
    if (loaded.readableByOthers) {
      process.stderr.write(
        `sigsocket: warning: ${file} is readable by other users; chmod 600 it\n`,
      );
    }
    return loaded.secretKey;
  } catch (err) {
    if (err instanceof KeyFileError) throw new CliError(err.message);
    throw err;
  }
}

/** One line per signer event on stdout (sizes only: never message contents or keys). */
export function printSignerEvent(event: SignerEvent): void {
  const at = new Date().toISOString();
  switch (event.type) {
    case 'connected':
      return printLine(`${at} connected`);
    case 'registered':
      return printLine(`${at} registered: serving sign requests`);
    case 'disconnected':
      return printLine(`${at} disconnected${closeDetail(event)}; reconnecting`);
    case 'signed':
      return printLine(`${at} signed a ${event.messageBytes}-byte message`);
    case 'refused':
      return printLine(`${at} refused a ${event.messageBytes}-byte message`);
    case 'error':
      return printLine(`${at} error: ${event.message}`);
  }
}

/** ` (1006: reason)`, ` (1006)`, ` (reason)` or nothing. */
function closeDetail(event: { code?: number; reason?: string }): string {
  const parts = [event.code, event.reason].filter((part) => part !== undefined && part !== '');
  return parts.length ? ` (${parts.join(': ')})` : '';
}

/** Keeps the process alive until SIGINT/SIGTERM, then stops the signer (or agent). */
export async function runUntilSignal(
  handle: Pick<SignerHandle, 'stop'>,
  cleanup: () => Promise<void> = async () => {},
): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      printLine(`${signal}: stopping`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await handle.stop();
  await cleanup();
}
