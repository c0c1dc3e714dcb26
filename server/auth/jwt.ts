import fs from 'node:fs';
import * as jose from 'jose';
import { z } from 'zod';
import { SigSocketError } from '../../protocol/errors.js';
import { NameSchema, RoleSchema, type Principal, type Role } from '../../protocol/identity.js';
import { describeIssues } from '../../protocol/validation.js';
import { ConfigError } from '../config.js';

/** Issuer of the tokens this server signs itself (HS256). */
export const ISSUER = 'sigsocket';

/** A bearer token that does not verify; the edges answer UNAUTHORIZED with its message. */
export class AuthError extends SigSocketError<'AUTH_FAILED'> {
  constructor(message: string) {
    super('AUTH_FAILED', message);
  }
}

const ClaimsSchema = z.object({ sub: NameSchema, role: RoleSchema, exp: z.number() });

export const TtlSchema = z
  .string()
  .regex(/^\d+\s*(s|m|h|d)$/, 'a duration like 90s, 15m, 1h or 7d');

export async function issueToken(
  secret: Uint8Array,
  claims: { sub: string; role: Role; ttl?: string },
): Promise<string> {
  const sub = NameSchema.parse(claims.sub);
  const role = RoleSchema.parse(claims.role);
  const ttl = TtlSchema.parse(claims.ttl ?? '1h');
  return new jose.SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(ttl.replace(/\s+/g, ''))
    .sign(secret);
}

/**
 * An external issuer whose tokens are accepted too (`--jwt-jwks`; server/config.ts checks that
 * all four are given and that an http URL is a loopback one allowed by `--jwt-jwks-insecure`).
 */
export interface ExternalIssuer {
  /** Its JWKS: an https URL (loopback http when allowed) or a JSON file. */
  jwks: string;
  /** Required `iss`. */
  issuer: string;
  /** Required `aud`: tokens it issued for other applications are refused. */
  audience: string;
  /** Asymmetric algorithms accepted (an allow-list; never HS* or `none`). */
  algorithms: readonly string[];
}

export interface VerifierOptions {
  secret: Uint8Array;
  external?: ExternalIssuer;
}

/** A verified token: who, which role, and when it expires (epoch seconds). */
export type VerifiedToken = Principal & { exp: number };

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

function loadJwks(source: string): jose.JWTVerifyGetKey {
  if (/^https?:\/\//.test(source)) return jose.createRemoteJWKSet(new URL(source));
  let parsed: jose.JSONWebKeySet;
  try {
    parsed = JSON.parse(fs.readFileSync(source, 'utf8')) as jose.JSONWebKeySet;
  } catch (err) {
    throw new ConfigError(`--jwt-jwks ${source}: cannot read a JWKS: ${(err as Error).message}`);
  }
  return jose.createLocalJWKSet(parsed);
}

/**
 * Verifies bearer tokens: HS256 tokens of this server (issuer `sigsocket`), and, when a JWKS
 * is configured, tokens of that issuer signed with an algorithm of its allow-list, for its
 * audience. `exp` is required.
 */
export function createTokenVerifier(opts: VerifierOptions): TokenVerifier {
  const external = opts.external;
  const externalKeys = external ? loadJwks(external.jwks) : undefined;
  return async (token) => {
    let payload: jose.JWTPayload;
    try {
      const { alg } = jose.decodeProtectedHeader(token);
      if (alg === 'HS256') {
        ({ payload } = await jose.jwtVerify(token, opts.secret, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          requiredClaims: ['exp', 'sub'],
        }));
      } else if (external && externalKeys && external.algorithms.includes(String(alg))) {
        ({ payload } = await jose.jwtVerify(token, externalKeys, {
          issuer: external.issuer,
          audience: external.audience,
          algorithms: [...external.algorithms],
          requiredClaims: ['exp', 'sub', 'aud'],
        }));
      } else {
        throw new AuthError(`tokens signed with ${String(alg)} are not accepted`);
      }
    } catch (err) {
      if (err instanceof AuthError) throw err;
      if (err instanceof jose.errors.JWTExpired) throw new AuthError('token expired');
      throw new AuthError(`invalid token: ${(err as Error).message}`);
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new AuthError(`invalid token claims: ${describeIssues(claims.error)}`);
    }
    return claims.data;
  };
}

/** `Authorization: Bearer <token>` → token, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
