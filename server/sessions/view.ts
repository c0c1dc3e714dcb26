import { shownStatus } from '../../protocol/lifecycle/key-status.js';
import type { RunningOnKey } from '../../protocol/session/description.js';
import type { KeyBanRow } from '../../db/key-bans.js';
import type { KeyRow } from '../../db/keys.js';
import type { Queryable } from '../../db/queryable.js';
import { lastSessionEventId } from '../../db/session-events.js';
import type { SessionRow } from '../../db/sessions.js';
import type { Scheme } from '../../protocol/frost/schemes.js';
import type { AnyContext } from '../../protocol/session/description.js';
import type { ThresholdScheme } from '../../protocol/threshold-schemes.js';
import type { KeyView, SessionErrorView, SessionView } from '../../protocol/session-view.js';
import type { LiveSession, PersistedSnapshot } from './live-session.js';

type ViewColumns = Pick<
  SessionRow,
  'id' | 'kind' | 'state' | 'label' | 'keyId' | 'message' | 'result' | 'updatedAt'
>;

/** The API's view of a session from its columns and its machine context (never escrows). */
function viewOf(row: ViewColumns, context: AnyContext, lastEventId: number | null): SessionView {
  // The signing's commitment round; protocols without one have none.
  const commitRound = (context as { commitRound?: unknown }).commitRound;
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    phase: context.phase,
    scheme: context.scheme as Scheme,
    threshold: context.threshold,
    participants: context.participants.map(({ name, index, identityKey }) => ({
      name,
      index,
      identityKey,
      status: context.status[name] ?? 'invited',
    })),
    coordinator: context.coordinator,
    label: row.label ?? null,
    keyId: row.keyId ?? null,
    message: row.message ?? null,
    commitRound: typeof commitRound === 'number' ? commitRound : null,
    deadline: context.deadline,
    waitingFor: context.waitingFor,
    result: row.result ?? null,
    error: (context.error as SessionErrorView | null) ?? null,
    createdAt: context.createdAt,
    updatedAt: row.updatedAt,
    lastEventId: lastEventId === null ? null : String(lastEventId),
  };
}

/**
 * The view of a stored session, with the id of the newest event it reflects, read in the same
 * synchronous step as the row.
 */
export function sessionView(db: Queryable, row: SessionRow): SessionView {
  const context = (row.snapshot as PersistedSnapshot).context;
  return viewOf(row, context, lastSessionEventId(db, row.id));
}

/** The view of a session the runtime has just moved: from what it holds, nothing re-read. */
export function liveView(live: LiveSession): SessionView {
  const row = { id: live.id, kind: live.kind, state: live.state, ...live.row };
  return viewOf(row, live.context, live.row.lastEventId);
}

export function keyView(
  row: KeyRow,
  bans: readonly KeyBanRow[],
  running: readonly RunningOnKey[],
  escrow?: string,
): KeyView {
  return {
    id: row.id,
    scheme: row.scheme as ThresholdScheme,
    groupPublicKey: row.groupPublicKey,
    threshold: row.threshold,
    participants: row.participants,
    epoch: row.epoch,
    status: shownStatus(row, running),
    verifyingShares: row.verifyingShares,
    address: row.address ?? null,
    ethereumAddress: row.ethereumAddress ?? null,
    keygenSessionId: row.keygenSessionId,
    coordinator: row.coordinator,
    createdAt: row.createdAt,
    bans: bans.map(({ participant, sessionId, code, createdAt }) => ({
      participant,
      sessionId,
      code,
      at: createdAt,
    })),
    ...(escrow !== undefined ? { escrow } : {}),
  };
}
