import { loadOrCreateKeyFile, KeyFileError } from '../client/key-file.js';
import type { SignerEvent, SignerHandle } from '../client/signer/types.js';
import { CliError, printLine, timestampedLines } from './output.js';

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
    if (err instanceof KeyFileError) throw new CliError('CLI_FILE', err.message);
    throw err;
  }
}

const line = timestampedLines();

/** One line per signer event on stdout (sizes only: never message contents or keys). */
export function printSignerEvent(event: SignerEvent): void {
  switch (event.type) {
    case 'connected':
      return line('connected');
    case 'registered':
      return line('registered: serving sign requests');
    case 'disconnected':
      return line(`disconnected${closeDetail(event)}; reconnecting`, { collapse: true });
    case 'signed':
      return line(`signed a ${event.messageBytes}-byte message`);
    case 'refused':
      return line(`refused a ${event.messageBytes}-byte message`);
    case 'error':
      return line(`error: ${event.message}`);
    case 'gave_up':
      return line(`gave up: ${event.message}`);
  }
}

/** ` (1006: reason)`, ` (1006)`, ` (reason)` or nothing. */
function closeDetail(event: { code?: number; reason?: string }): string {
  const parts = [event.code, event.reason].filter((part) => part !== undefined && part !== '');
  return parts.length ? ` (${parts.join(': ')})` : '';
}

/** The longest a stopping command waits for its connections to close before it exits anyway. */
const CLOSE_WAIT_MS = 2_000;

/**
 * Keeps the process alive until SIGINT/SIGTERM (exit 0), or until `gaveUp` says why the signer
 * stopped on its own (exit 1); either way it stops the signer (or agent) and closes its
 * connections first. The wait for the close is bounded, and the exit explicit: while the server
 * is unreachable, tRPC's WebSocket client holds a reconnect timer (up to 30 s of backoff) that
 * its close() waits for.
 */
export async function runUntilSignal(
  handle: Pick<SignerHandle, 'stop'>,
  cleanup: () => Promise<void> = async () => {},
  gaveUp: Promise<string> = new Promise(() => {}),
): Promise<never> {
  const code = await new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      printLine(`${signal}: stopping`);
      resolve(0);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    void gaveUp.then((why) => {
      process.stderr.write(`sigsocket: ${why}\n`);
      resolve(1);
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
  await Promise.race([
    handle
      .stop()
      .then(cleanup)
      .catch(() => {}),
    waited,
  ]);
  clearTimeout(timer);
  process.exit(code);
}

/** Prints every signer event, and resolves `gaveUp` with the message of a `gave_up` one. */
export function signerEvents(): { onEvent: (event: SignerEvent) => void; gaveUp: Promise<string> } {
  let giveUp: (why: string) => void = () => {};
  const gaveUp = new Promise<string>((resolve) => (giveUp = resolve));
  return {
    onEvent: (event) => {
      printSignerEvent(event);
      if (event.type === 'gave_up') giveUp(event.message);
    },
    gaveUp,
  };
}
