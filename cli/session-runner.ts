// Shared by `keygen`, `sign` and `watch`: follow a session with live progress, print the
// outcome (or with --json the final SessionView as one document), and exit 0 only on completion.
import type { CreateSessionResult, SessionView } from '../protocol/session-view.js';
import { followSession, SessionEndedError } from '../client/coordinator/index.js';
import { closeClient, createClient, type SigSocketClient } from '../client/trpc.js';
import { cliErrorFrom } from './api-errors.js';
import {
  ecdsaKeygenOutcome,
  ecdsaSignOutcome,
  ecdsaSessionOf,
  failedChecks,
  type EcdsaOutcome,
} from './ecdsa-output.js';
import { resolveClientOptions, type ClientFlags } from './client-options.js';
import { wantsJson } from './session-options.js';
import { CliError, printJson, printLine } from './output.js';
import { createProgressDisplay } from './progress.js';

/** Exit status per final state; 1 is any other error (usage, server unreachable, refused). */
export const EXIT_CODES = {
  completed: 0,
  rejected: 2,
  failed: 3,
  timed_out: 4,
  aborted: 5,
} as const;

function exitCodeOf(state: string): number {
  return (EXIT_CODES as Record<string, number>)[state] ?? 1;
}

/** The result of a completed session, one `name value` per line. */
export function printOutcome(view: SessionView): void {
  printLine(`${view.kind} ${view.id} completed`);
  for (const [name, value] of Object.entries(view.result ?? {})) {
    if (typeof value === 'string' || typeof value === 'number')
      printLine(`  ${name.padEnd(15)} ${value}`);
  }
}

export interface FollowOptions {
  json?: boolean;
  serverUrl: string;
  /** The digest an ECDSA signing must have signed, when the caller knows (sign computes it). */
  expectedDigest?: string;
}

/**
 * A completed dkls23-secp256k1 session, printed with its addresses or its signature checked
 * here (the key's Ethereum address from key.get): a signature that does not check out is an
 * error although the session completed.
 */
async function printEcdsaOutcome(
  client: SigSocketClient,
  view: SessionView,
  opts: FollowOptions,
): Promise<void> {
  let outcome: EcdsaOutcome;
  if (ecdsaSessionOf(view) === 'keygen') {
    outcome = ecdsaKeygenOutcome(view);
  } else {
    const keyId = view.keyId ?? String(view.result?.['keyId'] ?? '');
    const key = await client.key.get.query({ keyId }).catch((err: unknown) => {
      throw cliErrorFrom(err, opts.serverUrl);
    });
    outcome = ecdsaSignOutcome(view, key, opts.expectedDigest);
  }
  for (const text of outcome.lines) printLine(text);
  const failed = failedChecks(view, outcome);
  if (failed) throw failed;
}

export async function followToEnd(
  client: SigSocketClient,
  sessionId: string,
  opts: FollowOptions,
): Promise<void> {
  const display = createProgressDisplay({ json: opts.json === true });
  let view: SessionView;
  try {
    view = await followSession(client, sessionId, (p) => display.update(p));
  } catch (err) {
    display.close();
    if (err instanceof SessionEndedError) {
      if (opts.json) printJson(err.session);
      throw new CliError('CLI_SESSION_ENDED', err.message, exitCodeOf(err.state));
    }
    throw cliErrorFrom(err, opts.serverUrl);
  }
  display.close();
  if (opts.json) printJson(view);
  else if (ecdsaSessionOf(view)) await printEcdsaOutcome(client, view, opts);
  else printOutcome(view);
}

/** `keygen` / `sign`: start the session with `start`, then follow it to its end. */
export async function startAndFollow(
  flags: ClientFlags & { json?: boolean },
  start: (client: SigSocketClient) => Promise<CreateSessionResult>,
  follow: Pick<FollowOptions, 'expectedDigest'> = {},
): Promise<void> {
  const options = resolveClientOptions(flags, { requireToken: true });
  const client = createClient(options);
  try {
    const { session } = await start(client).catch((err: unknown) => {
      throw cliErrorFrom(err, options.url);
    });
    await followToEnd(client, session.id, {
      ...follow,
      json: wantsJson(flags),
      serverUrl: options.url,
    });
  } finally {
    await closeClient(client);
  }
}
