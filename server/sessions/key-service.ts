import { recordAudit } from '../../db/audit.js';
import { deleteKeyBan, keyBansOf, keyBansOfKeys } from '../../db/key-bans.js';
import { escrowOf, getKeyRow, listKeyRows } from '../../db/keys.js';
import { AppError } from '../../protocol/errors.js';
import type { Db } from '../../db/open.js';
import type { Principal } from '../../protocol/identity.js';
import type { RunningOnKey } from '../../protocol/session/description.js';
import type { KeyView } from '../../protocol/session-view.js';
import { listSessionSummaries } from '../../db/sessions.js';
import { canSeeKey, keyNotFound, visibility } from './access.js';
import { keyView } from './view.js';

/**
 * Threshold keys as the caller may see them: a coordinator its own, a participant those it
 * holds a share of (with its own escrow blob, never another's), an admin all.
 */
export class KeyService {
  constructor(
    private readonly db: Db,
    /** The key's running sessions (its shown status: docs/lifecycle.md). */
    private readonly runningOn: (keyId: string) => readonly RunningOnKey[],
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * key.clearBan: lets a member a failed session named take part in the key's sessions again
   * (docs/ecdsa.md, Bans). The key's coordinator or an admin; audited, refusals too.
   */
  clearBan(principal: Principal, keyId: string, participant: string): { cleared: true } {
    const audit = (db: Pick<Db, 'insert'>, outcome: string) =>
      recordAudit(db, {
        actor: principal.sub,
        role: principal.role,
        action: 'key.clearBan',
        outcome,
        detail: { keyId, participant },
        at: this.clock(),
      });
    try {
      const row = getKeyRow(this.db, keyId);
      if (!row || !canSeeKey(principal, row)) throw keyNotFound(keyId);
      const cleared = this.db.transaction((tx) => {
        const done = deleteKeyBan(tx, keyId, participant);
        if (done) audit(tx, 'ok');
        return done;
      });
      if (!cleared) {
        throw new AppError('NOT_FOUND', `${participant} is not barred from key ${keyId}`);
      }
      return { cleared: true };
    } catch (err) {
      if (err instanceof AppError) audit(this.db, `refused: ${err.code}`);
      throw err;
    }
  }

  get(principal: Principal, keyId: string): KeyView {
    const row = getKeyRow(this.db, keyId);
    if (!row || !canSeeKey(principal, row)) throw keyNotFound(keyId);
    return keyView(
      row,
      keyBansOf(this.db, row.id),
      this.runningOn(row.id),
      this.ownEscrow(principal, row.id),
    );
  }

  /**
   * key.history: the keygen that made the key and its lifecycle sessions, newest first (its
   * signings are in session.list). Whoever sees the key sees its history.
   */
  history(principal: Principal, keyId: string, kinds: readonly string[], limit: number) {
    const row = getKeyRow(this.db, keyId);
    if (!row || !canSeeKey(principal, row)) throw keyNotFound(keyId);
    return listSessionSummaries(this.db, { keyId, kinds, limit });
  }

  list(principal: Principal, limit: number): KeyView[] {
    const rows = listKeyRows(this.db, { ...visibility(principal), limit });
    const bans = keyBansOfKeys(
      this.db,
      rows.map((row) => row.id),
    );
    return rows.map((row) =>
      keyView(
        row,
        bans.get(row.id) ?? [],
        this.runningOn(row.id),
        this.ownEscrow(principal, row.id),
      ),
    );
  }

  private ownEscrow(principal: Principal, keyId: string): string | undefined {
    if (principal.role !== 'participant') return undefined;
    return escrowOf(this.db, keyId, principal.sub);
  }
}
