import { TRPCClientError } from '@trpc/client';
import { refusalOf } from '../client/server-errors.js';
import { CliError } from './output.js';

/** A failed API call as a CliError (`CODE: message`, or why the server was not reached). */
export function cliErrorFrom(err: unknown, serverUrl: string): unknown {
  if (!(err instanceof TRPCClientError)) return err;
  const refusal = refusalOf(err);
  if (refusal) return new CliError('CLI_API', `${refusal.code}: ${refusal.message}`);
  return new CliError('CLI_API', `cannot reach the server at ${serverUrl}: ${err.message}`);
}
