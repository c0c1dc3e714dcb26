import { escrowOf, getKeyRow, listKeyRows } from '../../db/keys.js';
import type { Db } from '../../db/open.js';
import type { Principal } from '../../protocol/identity.js';
import type { KeyView } from '../../protocol/session-view.js';
import { canSeeKey, keyNotFound, visibility } from './access.js';
import { keyView } from './view.js';

/**
 * Threshold keys as the caller may see them: a coordinator its own, a participant those it
 * holds a share of (with its own escrow blob, never another's), an admin all.
 */
export class KeyService {
  constructor(private readonly db: Db) {}

  get(principal: Principal, keyId: string): KeyView {
    const row = getKeyRow(this.db, keyId);
    if (!row || !canSeeKey(principal, row)) throw keyNotFound(keyId);
    return keyView(row, this.ownEscrow(principal, row.id));
  }

  list(principal: Principal, limit: number): KeyView[] {
    return listKeyRows(this.db, { ...visibility(principal), limit }).map((row) =>
      keyView(row, this.ownEscrow(principal, row.id)),
    );
  }

  private ownEscrow(principal: Principal, keyId: string): string | undefined {
    if (principal.role !== 'participant') return undefined;
    return escrowOf(this.db, keyId, principal.sub);
  }
}
