import type { Command } from 'commander';
import type { z } from 'zod';
import { issueToken } from '../../server/auth/jwt.js';
import { loadOrCreateSecret, secretFromString } from '../../server/auth/secret.js';
import { RoleSchema, NameSchema } from '../../protocol/identity.js';
import { describeIssues } from '../../protocol/validation.js';
import { TtlSchema } from '../../server/auth/jwt.js';
import { CliError, printJson, printLine } from '../output.js';
import { decodeJwt } from 'jose';

/** The flag's value checked by `schema`, or `invalid <flag> "<value>": <first issue>`. */
function check<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const why = describeIssues(r.error, { first: true });
  throw new CliError('CLI_USAGE', `invalid ${flag} ${JSON.stringify(value)}: ${why}`);
}

export function registerToken(program: Command): void {
  program
    .command('token')
    .description("print a JWT signed with a data directory's secret (or --jwt-secret)")
    .requiredOption('--sub <name>', 'subject: the coordinator or participant name')
    .requiredOption('--role <role>', 'coordinator | participant | admin')
    .option('--ttl <duration>', 'lifetime, e.g. 15m, 1h, 7d', '1h')
    .option(
      '--data-dir <dir>',
      'data directory whose jwt-secret signs the token [env SIGSOCKET_DATA_DIR]',
      process.env['SIGSOCKET_DATA_DIR'] ?? './data',
    )
    .option(
      '--jwt-secret <secret>',
      'sign with this HS256 secret instead [env SIGSOCKET_JWT_SECRET]',
      process.env['SIGSOCKET_JWT_SECRET'],
    )
    .option('--json', 'print { token, sub, role, expiresAt }')
    .action(
      async (opts: {
        sub: string;
        role: string;
        ttl: string;
        dataDir: string;
        jwtSecret?: string;
        json?: boolean;
      }) => {
        const sub = check(NameSchema, opts.sub, '--sub');
        const role = check(RoleSchema, opts.role, '--role');
        const ttl = check(TtlSchema, opts.ttl, '--ttl');
        const secret = opts.jwtSecret
          ? secretFromString(opts.jwtSecret)
          : loadOrCreateSecret(opts.dataDir);
        const token = await issueToken(secret, { sub, role, ttl });
        if (opts.json) {
          const exp = decodeJwt(token).exp ?? 0;
          printJson({ token, sub, role, expiresAt: new Date(exp * 1000).toISOString() });
        } else printLine(token);
      },
    );
}
