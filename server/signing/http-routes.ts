import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { AppError } from '../../protocol/errors.js';
import type { Principal } from '../../protocol/identity.js';
import { base64Encode } from '../../protocol/encoding.js';
import { SignHttpBodySchema } from '../../protocol/signer-schemas.js';
import { AuthError, bearerToken } from '../auth/jwt.js';
import { readJsonBody, sendJson } from '../http/json.js';
import { signBodyLimit } from './limits.js';
import type { HttpRoute } from '../http/router.js';
import type { Services } from '../services.js';

/** Roles that may ask for signatures (SPEC §3). */
const SIGN_ROLES: readonly string[] = ['coordinator', 'admin'];

/** Zod issues → one line naming each field: `message: invalid base64: ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
}

/** `POST /sign`, `GET /status`, `GET /connected/:publicKey` (SPEC §3). */
export function signingRoutes(services: Services): HttpRoute[] {
  const { config, signing } = services;
  const bodyLimit = signBodyLimit(signing.maxMessageBytes);

  async function authorise(req: IncomingMessage): Promise<Principal | undefined> {
    if (!config.signAuth) return undefined;
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new AppError('UNAUTHORIZED', 'missing bearer token: send Authorization: Bearer <token>');
    let principal: Principal;
    try {
      const verified = await services.verifyToken(token);
      principal = { sub: verified.sub, role: verified.role };
    } catch (err) {
      throw new AppError('UNAUTHORIZED', err instanceof AuthError ? err.message : 'invalid token');
    }
    if (!SIGN_ROLES.includes(principal.role)) {
      throw new AppError('FORBIDDEN', `role ${principal.role} may not request signatures (needs coordinator or admin)`);
    }
    return principal;
  }

  return [
    {
      method: 'POST',
      path: '/sign',
      handler: async (req, res) => {
        const actor = await authorise(req);
        const parsed = SignHttpBodySchema.safeParse(await readJsonBody(req, bodyLimit));
        if (!parsed.success) throw new AppError('BAD_REQUEST', `invalid request body: ${describeIssues(parsed.error)}`);
        const { public_key, message, timeout_ms } = parsed.data;
        const result = await signing.requestSignature(public_key, message, { timeoutMs: timeout_ms, actor, via: 'http' });
        sendJson(res, 200, { response: base64Encode(result.message), signature: base64Encode(result.signature) });
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
