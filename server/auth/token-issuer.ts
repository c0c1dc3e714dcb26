import { recordAudit } from '../../db/audit.js';
import type { Db } from '../../db/open.js';
import type { Principal, Role } from '../../protocol/identity.js';
import type { Clock } from '../clock.js';
import { issueToken } from './jwt.js';

export interface TokenClaims {
  sub: string;
  role: Role;
  /** e.g. `15m`, `1h` (default), `7d`. */
  ttl?: string;
}

/** Tokens signed with this server's HS256 secret. */
export class TokenIssuer {
  constructor(private readonly deps: { secret: Uint8Array; db: Db; clock: Clock }) {}

  /** A token for the server's own tools (the demo, tests); not audited. */
  issue(claims: TokenClaims): Promise<string> {
    return issueToken(this.deps.secret, claims);
  }

  /** `auth.issueToken`: an admin mints a token; the audit log records who, for whom, how long. */
  async issueFor(actor: Principal, claims: Required<TokenClaims>): Promise<string> {
    const token = await this.issue(claims);
    recordAudit(this.deps.db, {
      at: this.deps.clock(),
      actor: actor.sub,
      role: actor.role,
      action: 'issue_token',
      outcome: 'ok',
      detail: { sub: claims.sub, role: claims.role, ttl: claims.ttl },
    });
    return token;
  }
}
