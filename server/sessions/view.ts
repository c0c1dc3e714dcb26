import type { AnySessionContext } from '../../machines/index.js';
import type { KeyRow } from '../../db/keys.js';
import type { Queryable } from '../../db/queryable.js';
import { lastSessionEventId } from '../../db/session-events.js';
import type { SessionRow } from '../../db/sessions.js';
import type { Scheme } from '../../protocol/frost/schemes.js';
import type { KeyView, SessionErrorView, SessionView } from '../../protocol/session-view.js';
import type { PersistedSnapshot } from './live-session.js';

/**
 * The API's view of a stored session (never the snapshot: it holds escrow blobs), with the id
 * of the newest event it reflects, read in the same synchronous step as the row.
 */
export function sessionView(db: Queryable, row: SessionRow): SessionView {
  const context = (row.snapshot as PersistedSnapshot).context as AnySessionContext;
  const lastEventId = lastSessionEventId(db, row.id);
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    phase: context.phase,
    scheme: row.scheme as Scheme,
    threshold: row.threshold,
    participants: context.participants.map(({ name, index, identityKey }) => ({
      name,
      index,
      identityKey,
      status: context.status[name] ?? 'invited',
    })),
    coordinator: row.coordinator,
    label: row.label ?? null,
    keyId: row.keyId ?? null,
    message: row.message ?? null,
    commitRound: context.kind === 'sign' ? context.commitRound : null,
    deadline: row.deadline ?? null,
    waitingFor: row.waitingFor,
    result: row.result ?? null,
    error: (row.error as SessionErrorView | null) ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastEventId: lastEventId === null ? null : String(lastEventId),
  };
}

export function keyView(row: KeyRow, escrow?: string): KeyView {
  return {
    id: row.id,
    scheme: row.scheme as Scheme,
    groupPublicKey: row.groupPublicKey,
    threshold: row.threshold,
    participants: row.participants,
    verifyingShares: row.verifyingShares,
    address: row.address ?? null,
    keygenSessionId: row.keygenSessionId,
    coordinator: row.coordinator,
    createdAt: row.createdAt,
    ...(escrow !== undefined ? { escrow } : {}),
  };
}
