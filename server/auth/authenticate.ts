import { AppError } from '../../protocol/errors.js';
import type { Principal, Role } from '../../protocol/identity.js';
import type { Clock } from '../clock.js';
import { AuthError, type TokenVerifier } from './jwt.js';

/**
 * The one place a bearer token becomes a principal, for every edge (tRPC over HTTP and
 * WebSocket, the HTTP routes): the same checks, the same UNAUTHORIZED and FORBIDDEN
 * sentences (docs/signing.md, "HTTP endpoints"; docs/sessions.md, "Authorisation"). Each edge
 * only says how the token arrives.
 *
 * @module
 */

/** What a request's token says, decided once per request (or once per WebSocket). */
export type AuthState =
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'ok'; principal: Principal; /** epoch ms */ expiresAt: number };

/**
 * The token state of one caller: per request over HTTP, and per WebSocket, shared by every call
 * of that connection, so `auth.refresh` can replace it while the connection stays open.
 */
export interface AuthHolder {
  current: AuthState;
}

export interface Authenticator {
  /** Verifies the token, if any. Never throws: a bad token is `invalid`, with the reason. */
  authenticate(token: string | undefined): Promise<AuthState>;
  /**
   * The principal of a valid token that has not expired (a WebSocket outlives its token, so
   * this is checked on every call); AppError UNAUTHORIZED otherwise, `missing` when there is
   * no token at all (each edge tells the caller how to send one).
   */
  principal(auth: AuthState, missing: string): Principal;
  /**
   * The state a connection holding `current` takes on with the new `token` (`auth.refresh`,
   * docs/sessions.md, Authorisation): UNAUTHORIZED if the token does not verify or has expired,
   * FORBIDDEN if it names another sub or role than the connection's token (which may itself
   * have expired), UNAUTHORIZED if the connection never had a valid token.
   */
  refresh(current: AuthState, token: string): Promise<AuthState & { kind: 'ok' }>;
}

export function createAuthenticator(verify: TokenVerifier, clock: Clock): Authenticator {
  const authenticator: Authenticator = {
    async authenticate(token) {
      if (!token) return { kind: 'none' };
      try {
        const { sub, role, exp } = await verify(token);
        return { kind: 'ok', principal: { sub, role }, expiresAt: exp * 1000 };
      } catch (err) {
        const reason = err instanceof AuthError ? err.message : 'invalid token';
        return { kind: 'invalid', reason };
      }
    },
    principal(auth, missing) {
      if (auth.kind === 'none') throw new AppError('UNAUTHORIZED', missing);
      if (auth.kind === 'invalid') throw new AppError('UNAUTHORIZED', auth.reason);
      if (auth.expiresAt <= clock()) throw new AppError('UNAUTHORIZED', 'token expired');
      return auth.principal;
    },
    async refresh(current, token) {
      if (current.kind !== 'ok') {
        throw new AppError('UNAUTHORIZED', 'this connection has no token to refresh: reconnect');
      }
      const next = await authenticator.authenticate(token);
      const principal = authenticator.principal(next, 'missing token');
      const { sub, role } = current.principal;
      if (principal.sub !== sub || principal.role !== role) {
        throw new AppError(
          'FORBIDDEN',
          `a refreshed token must name the same sub and role as the connection's (${sub}, ${role})`,
        );
      }
      return next as AuthState & { kind: 'ok' };
    },
  };
  return authenticator;
}

/**
 * AppError FORBIDDEN unless the principal holds one of `allowed`:
 * `role participant may not <action> (needs coordinator or admin)`.
 */
export function requireRole(
  principal: Principal,
  allowed: readonly Role[],
  action = 'do this',
): void {
  if (allowed.includes(principal.role)) return;
  throw new AppError(
    'FORBIDDEN',
    `role ${principal.role} may not ${action} (needs ${allowed.join(' or ')})`,
  );
}
