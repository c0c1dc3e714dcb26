/**
 * What a key may still do (docs/lifecycle.md, Key status): the stored `keys.status`, the busy
 * status a running lifecycle session gives it, and the rules sign and lifecycle requests obey.
 *
 * @module
 */
import { AppError } from '../errors.js';
import type { KeyRecord, RunningOnKey } from '../session/description.js';

/** Stored in `keys.status`. */
export const KEY_STATUSES = ['active', 'destroyed', 'destroy_incomplete'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** The lifecycle session kinds, and the status a running one shows on its key. */
export const LIFECYCLE_KINDS: Readonly<Record<string, string>> = { destroy: 'destroying' };

export const isLifecycleKind = (kind: string): boolean => Object.hasOwn(LIFECYCLE_KINDS, kind);

/** A key's status as the API shows it: a running lifecycle session's, else the stored one. */
export function shownStatus(key: Pick<KeyRecord, 'status'>, running: readonly RunningOnKey[]) {
  if (key.status !== 'active') return key.status;
  const lifecycle = running.find((r) => isLifecycleKind(r.kind));
  return lifecycle ? LIFECYCLE_KINDS[lifecycle.kind]! : key.status;
}

function refuseDestroyed(key: KeyRecord, what: string): void {
  if (key.status === 'destroyed') {
    throw new AppError('KEY_DESTROYED', `key ${key.id} is destroyed: it takes no ${what}`, {
      keyId: key.id,
      status: key.status,
    });
  }
}

/**
 * A signing may start: the key is active and no lifecycle session runs on it (signing during
 * one is refused, not queued: docs/lifecycle.md).
 */
export function assertSignable(key: KeyRecord, running: readonly RunningOnKey[]): void {
  refuseDestroyed(key, 'signing');
  if (key.status === 'destroy_incomplete') {
    throw new AppError(
      'KEY_DESTROYED',
      `key ${key.id} is being destroyed (its destruction did not complete): it takes no signing`,
      { keyId: key.id, status: key.status },
    );
  }
  const lifecycle = running.find((r) => isLifecycleKind(r.kind));
  if (lifecycle) {
    throw new AppError(
      'KEY_BUSY',
      `key ${key.id} is in ${lifecycle.kind} session ${lifecycle.sessionId}: sign once it has ended`,
      { keyId: key.id, sessionId: lifecycle.sessionId, kind: lifecycle.kind },
    );
  }
}

/**
 * A lifecycle session `kind` may start: the key is not destroyed (a destruction that did not
 * complete may only be retried) and no other session of the key runs.
 */
export function assertLifecycleFree(
  key: KeyRecord,
  running: readonly RunningOnKey[],
  kind: string,
): void {
  refuseDestroyed(key, `${kind} session`);
  if (key.status === 'destroy_incomplete' && kind !== 'destroy') {
    throw new AppError(
      'KEY_DESTROYED',
      `key ${key.id}'s destruction did not complete: only key.destroy may run on it again`,
      { keyId: key.id, status: key.status },
    );
  }
  if (running.length > 0) {
    const busy = running.map((r) => `${r.kind} ${r.sessionId}`).join(', ');
    throw new AppError(
      'KEY_BUSY',
      `key ${key.id} has running sessions (${busy}): a ${kind} session starts once they have ended`,
      { keyId: key.id, running: running.map((r) => r.sessionId) },
    );
  }
}
