import { z } from 'zod';
import { SigSocketError } from '../protocol/errors.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/legacy.js';
import { describeIssues } from '../protocol/validation.js';

/**
 * Every setting of `sigsocket serve`, in one table: the CLI builds its flags from it, the
 * environment fallbacks (`SIGSOCKET_<FLAG>`) are derived from it, and the README's
 * configuration table mirrors it. Values arrive as strings (flags, environment) and are
 * coerced and validated by the zod schema of each entry.
 */
const onOff = z.enum(['on', 'off']).transform((v) => v === 'on');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const path = z.string().min(1);

/** JWS algorithms `--jwt-algorithms` may list: asymmetric only (HS256 is this server's own). */
export const JWKS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;
const algorithmList = z
  .string()
  .min(1)
  .transform((value, ctx) => {
    const list = value.split(',').map((a) => a.trim());
    const refused = list.filter((a) => !(JWKS_ALGORITHMS as readonly string[]).includes(a));
    if (refused.length === 0) return list;
    ctx.addIssue({
      code: 'custom',
      message: `not an asymmetric JWS algorithm: ${refused.map((a) => JSON.stringify(a)).join(', ')} (one of ${JWKS_ALGORITHMS.join(', ')})`,
    });
    return z.NEVER;
  });

export const serveOptions = {
  host: {
    flag: '--host <addr>',
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: 'address to listen on',
  },
  port: {
    flag: '--port <n>',
    schema: int(0, 65535),
    default: '8080',
    doc: 'port for HTTP(S), tRPC and WebSockets (0 = any free port)',
  },
  dataDir: {
    flag: '--data-dir <dir>',
    schema: path,
    default: './data',
    doc: 'directory holding sigsocket.db, the JWT secret and the lock file',
  },
  tlsCert: {
    flag: '--tls-cert <file>',
    schema: path.optional(),
    doc: 'PEM certificate (chain); with --tls-key serves HTTPS and WSS',
  },
  tlsKey: {
    flag: '--tls-key <file>',
    schema: path.optional(),
    doc: 'PEM private key matching --tls-cert',
  },
  legacyProof: {
    flag: '--legacy-proof <on|off>',
    schema: onOff,
    default: 'on',
    doc: 'legacy /ws signers must sign a sigsocket-proof: challenge before they are registered',
  },
  signAuth: {
    flag: '--sign-auth <on|off>',
    schema: onOff,
    default: 'on',
    doc: 'POST /sign requires a coordinator or admin bearer token',
  },
  jwtSecret: {
    flag: '--jwt-secret <secret>',
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
    doc: 'HS256 secret (default: generated once and kept in <data-dir>/jwt-secret, mode 0600)',
  },
  jwtJwks: {
    flag: '--jwt-jwks <url|file>',
    schema: path.optional(),
    doc: "also accept tokens signed by an external issuer's JWKS (https URL or JSON file)",
  },
  jwtIssuer: {
    flag: '--jwt-issuer <iss>',
    schema: z.string().min(1).optional(),
    doc: 'required `iss` claim of external (JWKS) tokens',
  },
  logLevel: {
    flag: '--log-level <level>',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'pino log level (logs are JSON on stderr)',
  },
  maxFrameBytes: {
    flag: '--max-frame-bytes <n>',
    schema: int(1024, 16 * 1024 * 1024),
    default: String(DEFAULT_MAX_FRAME_BYTES),
    doc: 'largest legacy /ws frame; larger frames close the connection (1009)',
  },
  maxTrpcMessageBytes: {
    flag: '--max-trpc-message-bytes <n>',
    schema: int(1024, 64 * 1024 * 1024),
    default: '1048576',
    doc: 'largest tRPC WebSocket message and HTTP body',
  },
  maxConnectionsPerIp: {
    flag: '--max-connections-per-ip <n>',
    schema: int(1, 1_000_000),
    default: '1000',
    doc: 'concurrent WebSocket connections from one address',
  },
  heartbeatMs: {
    flag: '--heartbeat-ms <n>',
    schema: int(100, 3_600_000),
    default: '30000',
    doc: 'WebSocket ping interval',
  },
  heartbeatTimeoutMs: {
    flag: '--heartbeat-timeout-ms <n>',
    schema: int(100, 3_600_000),
    default: '10000',
    doc: 'no pong within this time terminates the connection',
  },
  verifyThread: {
    flag: '--verify-thread <on|off>',
    schema: onOff,
    default: 'on',
    doc: 'verify sign responses in a worker thread (needs 2+ cores and the libsecp256k1 binding; off: on the event loop)',
  },
  maxPendingPerSigner: {
    flag: '--max-pending-per-signer <n>',
    schema: int(1, 100_000),
    default: '256',
    doc: 'sign requests in flight per signer connection (more: TOO_MANY_PENDING)',
  },
  signTimeoutMs: {
    flag: '--sign-timeout-ms <n>',
    schema: int(1, 3_600_000),
    default: '60000',
    doc: 'default wait for a single-key signature',
  },
  maxSignTimeoutMs: {
    flag: '--max-sign-timeout-ms <n>',
    schema: int(1, 3_600_000),
    default: '300000',
    doc: 'cap on a caller-chosen timeout_ms',
  },
  inviteTimeoutMs: {
    flag: '--invite-timeout-ms <n>',
    schema: int(100, 86_400_000),
    default: '300000',
    doc: 'default time to answer a session invitation',
  },
  roundTimeoutMs: {
    flag: '--round-timeout-ms <n>',
    schema: int(100, 86_400_000),
    default: '60000',
    doc: 'default time for each protocol round',
  },
  minSessionTimeoutMs: {
    flag: '--min-session-timeout-ms <n>',
    schema: int(1, 86_400_000),
    default: '1000',
    doc: 'smallest per-session timeout a coordinator may ask for',
  },
  maxSessionTimeoutMs: {
    flag: '--max-session-timeout-ms <n>',
    schema: int(1, 604_800_000),
    default: '86400000',
    doc: 'largest per-session timeout a coordinator may ask for',
  },
  subscriberBuffer: {
    flag: '--subscriber-buffer <n>',
    schema: int(1, 1_000_000),
    default: '1000',
    doc: 'live events queued for one subscriber; beyond that it catches up from the database instead',
  },
  subscriberMaxBufferedBytes: {
    flag: '--subscriber-max-buffered-bytes <n>',
    schema: int(16_384, 1_073_741_824),
    default: '4194304',
    doc: 'unsent bytes a WebSocket subscriber may fall behind before it is disconnected (1013; it resumes by event id)',
  },
  publicUrl: {
    flag: '--public-url <url>',
    schema: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'an http:// or https:// URL')
      .optional(),
    doc: 'origin signers and browsers reach this server at, bound into legacy proof challenges (default: the listening http(s)://host:port)',
  },
  jwtAudience: {
    flag: '--jwt-audience <aud>',
    schema: z.string().min(1).optional(),
    doc: 'required `aud` claim of external (JWKS) tokens',
  },
  jwtAlgorithms: {
    flag: '--jwt-algorithms <list>',
    schema: algorithmList.optional(),
    doc: 'comma-separated asymmetric algorithms accepted from the JWKS issuer (e.g. RS256,ES256,EdDSA)',
  },
  jwtJwksInsecure: {
    flag: '--jwt-jwks-insecure <on|off>',
    schema: onOff,
    default: 'off',
    doc: 'allow an http:// --jwt-jwks URL on a loopback address (tests, local identity providers)',
  },
  maxBatchSize: {
    flag: '--max-batch-size <n>',
    schema: int(1, 10_000),
    default: '50',
    doc: 'tRPC calls in one HTTP batch or one WebSocket message (more: the whole batch is refused)',
  },
  rateLimit: {
    flag: '--rate-limit <n>',
    schema: int(1, 1_000_000),
    default: '100',
    doc: 'tRPC calls per second per principal (token sub, or address without a token), sustained',
  },
  rateBurst: {
    flag: '--rate-burst <n>',
    schema: int(1, 1_000_000),
    default: '200',
    doc: 'tRPC calls a principal may make at once before --rate-limit applies (token bucket size)',
  },
  maxRunningSessions: {
    flag: '--max-running-sessions <n>',
    schema: int(1, 1_000_000),
    default: '10000',
    doc: 'unfinished threshold sessions in total (more: TOO_MANY_SESSIONS)',
  },
  maxRunningSessionsPerCoordinator: {
    flag: '--max-running-sessions-per-coordinator <n>',
    schema: int(1, 1_000_000),
    default: '1000',
    doc: 'unfinished threshold sessions one coordinator may have (more: TOO_MANY_SESSIONS)',
  },
  maxSubscriptionsPerConnection: {
    flag: '--max-subscriptions-per-connection <n>',
    schema: int(1, 100_000),
    default: '64',
    doc: 'open subscriptions on one tRPC WebSocket (more: TOO_MANY_SUBSCRIPTIONS)',
  },
  maxSubscriptionsPerPrincipal: {
    flag: '--max-subscriptions-per-principal <n>',
    schema: int(1, 1_000_000),
    default: '256',
    doc: 'open subscriptions of one principal over all its connections (more: TOO_MANY_SUBSCRIPTIONS)',
  },
  maxChallengesPerPrincipal: {
    flag: '--max-challenges-per-principal <n>',
    schema: int(1, 10_000),
    default: '8',
    doc: 'outstanding registration challenges of one participant (more: the oldest is dropped)',
  },
  legacyMaxBadAnswers: {
    flag: '--legacy-max-bad-answers <n>',
    schema: int(1, 1000),
    default: '3',
    doc: 'sign answers failing verification after which a legacy or typed signer is disconnected',
  },
  network: {
    flag: '--network <bc|tb|bcrt>',
    schema: z.enum(['bc', 'tb', 'bcrt']),
    default: 'bc',
    doc: 'bech32m prefix of P2TR addresses for the Taproot scheme',
  },
} as const;

type Options = typeof serveOptions;
export type ServeConfig = { [K in keyof Options]: z.output<Options[K]['schema']> };
export type ServeConfigKey = keyof Options;

/** A setting of `sigsocket serve` that cannot be used; the CLI prints it and exits 1. */
export class ConfigError extends SigSocketError<'CONFIG_INVALID'> {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

const LOOPBACK_HOSTS = ['127.0.0.1', '[::1]', 'localhost'];

/**
 * `--jwt-jwks` comes with `--jwt-issuer`, `--jwt-audience` and `--jwt-algorithms` (none of them
 * without it), and a JWKS URL is https, or http on a loopback host with `--jwt-jwks-insecure on`
 * (docs/sessions.md, Authorisation).
 */
function checkExternalIssuer(config: ServeConfig): void {
  const needs = ['jwtIssuer', 'jwtAudience', 'jwtAlgorithms'] as const;
  for (const key of needs) {
    if (config.jwtJwks && !config[key]) {
      throw new ConfigError(`--jwt-jwks needs ${flagName(key)}`);
    }
    if (!config.jwtJwks && config[key]) {
      throw new ConfigError(`${flagName(key)} applies to --jwt-jwks tokens: give --jwt-jwks too`);
    }
  }
  const jwks = config.jwtJwks;
  if (!jwks || !/^http:\/\//i.test(jwks)) return;
  let host: string;
  try {
    host = new URL(jwks).hostname;
  } catch {
    throw new ConfigError(`--jwt-jwks ${jwks}: not a valid URL`);
  }
  if (!LOOPBACK_HOSTS.includes(host)) {
    throw new ConfigError(
      `--jwt-jwks ${jwks}: a JWKS is fetched over https only (http only on a loopback host, with --jwt-jwks-insecure on)`,
    );
  }
  if (!config.jwtJwksInsecure) {
    throw new ConfigError(`--jwt-jwks ${jwks}: an http:// JWKS URL needs --jwt-jwks-insecure on`);
  }
}

/** `--tls-cert <file>` → `--tls-cert`. */
export function flagName(key: ServeConfigKey): string {
  return serveOptions[key].flag.split(' ')[0]!;
}

/** `--tls-cert` → `SIGSOCKET_TLS_CERT`. */
export function envName(key: ServeConfigKey): string {
  return 'SIGSOCKET_' + flagName(key).slice(2).replace(/-/g, '_').toUpperCase();
}

/**
 * Resolves the configuration from explicit values (flags; strings or already-typed values
 * from code), then `SIGSOCKET_*` variables, then defaults. Throws a ConfigError naming the
 * flag and its variable for the first bad value.
 */
export function resolveConfig(
  given: Partial<Record<ServeConfigKey, unknown>> = {},
  env: NodeJS.ProcessEnv = process.env,
): ServeConfig {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(serveOptions) as ServeConfigKey[]) {
    const spec = serveOptions[key];
    const raw = given[key] ?? env[envName(key)] ?? ('default' in spec ? spec.default : undefined);
    const value = typeof raw === 'boolean' ? (raw ? 'on' : 'off') : raw;
    const parsed = (spec.schema as z.ZodType).safeParse(value === '' ? undefined : value);
    if (!parsed.success) {
      throw new ConfigError(
        `invalid value for ${flagName(key)} (${envName(key)}): ${JSON.stringify(raw)}: ${describeIssues(parsed.error)}`,
      );
    }
    out[key] = parsed.data;
  }
  const config = out as ServeConfig;
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
    throw new ConfigError('--tls-cert and --tls-key go together: give both or neither');
  }
  checkExternalIssuer(config);
  if (config.minSessionTimeoutMs > config.maxSessionTimeoutMs) {
    throw new ConfigError('--min-session-timeout-ms must not exceed --max-session-timeout-ms');
  }
  if (config.signTimeoutMs > config.maxSignTimeoutMs) {
    throw new ConfigError('--sign-timeout-ms must not exceed --max-sign-timeout-ms');
  }
  return config;
}
