import type { IncomingMessage } from 'node:http';
import { AppError } from '../../protocol/errors.js';
import type { Principal, Role } from '../../protocol/identity.js';
import { base64Encode } from '../../protocol/encoding.js';
import { SignHttpBodySchema } from '../../protocol/signer-schemas.js';
import { describeIssues } from '../../protocol/validation.js';
import { requireRole, type Authenticator } from '../auth/authenticate.js';
import { bearerToken } from '../auth/jwt.js';
import type { ServeConfig } from '../config.js';
import { readJsonBody, sendJson } from '../http/json.js';
import type { HttpRoute } from '../http/router.js';
import type { RateLimiter } from '../rate-limit.js';
import { signBodyLimit } from './limits.js';
import type { SigningService } from './service.js';

/** Roles that may ask for signatures (docs/signing.md, "HTTP endpoints"). */
const SIGN_ROLES: readonly Role[] = ['coordinator', 'admin'];

const MISSING_BEARER = 'missing bearer token: send Authorization: Bearer <token>';

export interface SigningRoutesDeps {
  config: ServeConfig;
  auth: Authenticator;
  signing: SigningService;
  /** POST /sign takes from the same buckets as tRPC calls (docs/reliability.md, "Limits"). */
  rateLimiter: RateLimiter;
}

/** `POST /sign`, `GET /status`, `GET /connected/:publicKey` (docs/signing.md, "HTTP endpoints"). */
export function signingRoutes({
  config,
  auth,
  signing,
  rateLimiter,
}: SigningRoutesDeps): HttpRoute[] {
  const bodyLimit = signBodyLimit(signing.maxMessageBytes);

  /**
   * The caller, when `--sign-auth on` (the default); undefined when anyone may ask. Either way
   * the request is taken from the caller's rate bucket first (RATE_LIMITED).
   */
  async function authorise(req: IncomingMessage): Promise<Principal | undefined> {
    const ip = req.socket.remoteAddress ?? 'unknown';
    if (!config.signAuth) {
      rateLimiter.take(undefined, ip);
      return undefined;
    }
    const state = await auth.authenticate(bearerToken(req.headers.authorization));
    rateLimiter.take(state.kind === 'ok' ? state.principal : undefined, ip);
    const principal = auth.principal(state, MISSING_BEARER);
    requireRole(principal, SIGN_ROLES, 'request signatures');
    return principal;
  }

  return [
    {
      method: 'POST',
      path: '/sign',
      handler: async (req, res) => {
        const actor = await authorise(req);
        const parsed = SignHttpBodySchema.safeParse(await readJsonBody(req, bodyLimit));
        if (!parsed.success)
          throw new AppError(
            'BAD_REQUEST',
            `invalid request body: ${describeIssues(parsed.error, { root: 'body' })}`,
          );
        const { public_key, message, timeout_ms } = parsed.data;
        const result = await signing.requestSignature(public_key, message, {
          timeoutMs: timeout_ms,
          actor,
          via: 'http',
        });
        sendJson(res, 200, {
          response: base64Encode(result.message),
          signature: base64Encode(result.signature),
        });
      },
    },
    {
      method: 'GET',
      path: '/status',
      handler: (_req, res) => sendJson(res, 200, signing.status()),
    },
    {
      method: 'GET',
      path: '/connected/:publicKey',
      handler: (_req, res, params) => {
        const publicKey = signing.normalisePublicKey(params['publicKey'] ?? '');
        sendJson(res, 200, { public_key: publicKey, connected: signing.isConnected(publicKey) });
      },
    },
  ];
}
