import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import type { ClientOptions } from '../client/trpc.js';
import { describeIssues } from '../protocol/validation.js';
import { CliError } from './output.js';

/** Flags of every command that talks to a server (docs/coordinator.md, "Commands"), as parsed. */
export interface ClientFlags {
  server: string;
  token?: string;
  ca?: string;
  insecure?: boolean;
}

const ServerUrlSchema = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://');

/** `on|off|true|false|1|0|yes|no` (any case) → boolean; anything else is an error. */
export function envSwitch(name: string): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return false;
  if (/^(on|true|1|yes)$/i.test(raw)) return true;
  if (/^(off|false|0|no)$/i.test(raw)) return false;
  throw new CliError(
    'CLI_USAGE',
    `invalid value for ${name}: ${JSON.stringify(raw)} (use on or off)`,
  );
}

/**
 * Adds `--server`, `--token` (unless `token: false`), `--ca` and `--insecure`, each with its
 * `SIGSOCKET_<FLAG>` environment fallback.
 */
export function addClientOptions(cmd: Command, opts: { token?: boolean } = {}): Command {
  cmd.addOption(
    new Option('--server <url>', 'server URL, http(s)://host:port (WebSocket URLs are derived)')
      .env('SIGSOCKET_SERVER')
      .default('http://127.0.0.1:8080'),
  );
  if (opts.token !== false) {
    cmd.addOption(
      new Option('--token <jwt>', 'bearer token (see `sigsocket token`)').env('SIGSOCKET_TOKEN'),
    );
  }
  cmd.addOption(
    new Option('--ca <file>', 'PEM CA certificate to trust for https/wss').env('SIGSOCKET_CA'),
  );
  cmd.addOption(
    new Option(
      '--insecure',
      'accept any TLS certificate: development only [env SIGSOCKET_INSECURE=on]',
    ),
  );
  return cmd;
}

/** Checks the flags and turns them into typed-client options. */
export function resolveClientOptions(
  flags: ClientFlags,
  opts: { requireToken?: boolean } = {},
): ClientOptions {
  const url = ServerUrlSchema.safeParse(flags.server);
  if (!url.success) {
    const why = describeIssues(url.error, { first: true });
    throw new CliError('CLI_USAGE', `invalid --server ${JSON.stringify(flags.server)}: ${why}`);
  }
  if (opts.requireToken && !flags.token) {
    throw new CliError(
      'CLI_USAGE',
      'a token is required: pass --token or set SIGSOCKET_TOKEN (see `sigsocket token`)',
    );
  }
  let ca: Buffer | undefined;
  if (flags.ca) {
    try {
      ca = fs.readFileSync(flags.ca);
    } catch (err) {
      throw new CliError('CLI_FILE', `--ca ${flags.ca}: cannot read: ${(err as Error).message}`);
    }
  }
  return {
    url: url.data,
    ...(flags.token ? { token: flags.token } : {}),
    ...(ca ? { ca } : {}),
    insecure: flags.insecure === true || envSwitch('SIGSOCKET_INSECURE'),
  };
}

/** `--key-file <file>` with its `SIGSOCKET_KEY_FILE` fallback (required). */
export function keyFileOption(): Option {
  return new Option(
    '--key-file <file>',
    'secp256k1 secret key, 64 hex digits (created with mode 0600 if missing)',
  )
    .env('SIGSOCKET_KEY_FILE')
    .makeOptionMandatory();
}
