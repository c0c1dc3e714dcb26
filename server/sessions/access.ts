import type { KeyRow } from '../../db/keys.js';
import type { SessionRow } from '../../db/sessions.js';
import { AppError } from '../../protocol/errors.js';
import type { Principal } from '../../protocol/identity.js';

/**
 * Who sees what (docs/sessions.md, Authorisation). Identity is the token's `sub`: an admin sees
 * everything, a coordinator its own sessions and keys, a participant those that name it. Anything
 * else is NOT_FOUND, with the same message as a session or key that does not exist.
 */
function canSee(principal: Principal, coordinator: string, names: readonly string[]): boolean {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'coordinator':
      return coordinator === principal.sub;
    case 'participant':
      return names.includes(principal.sub);
  }
}

export function canSeeSession(
  principal: Principal,
  row: Pick<SessionRow, 'coordinator' | 'participants'>,
): boolean {
  return canSee(principal, row.coordinator, row.participants);
}

export function canSeeKey(
  principal: Principal,
  row: Pick<KeyRow, 'coordinator' | 'participants'>,
): boolean {
  return canSee(
    principal,
    row.coordinator,
    row.participants.map((p) => p.name),
  );
}

export function sessionNotFound(sessionId: string): AppError {
  return new AppError('NOT_FOUND', `session ${sessionId} not found`);
}

export function keyNotFound(keyId: string): AppError {
  return new AppError('NOT_FOUND', `key ${keyId} not found`);
}

/** The filter `session.list` / `key.list` apply for this caller. */
export function visibility(principal: Principal): { coordinator?: string; participant?: string } {
  switch (principal.role) {
    case 'admin':
      return {};
    case 'coordinator':
      return { coordinator: principal.sub };
    case 'participant':
      return { participant: principal.sub };
  }
}
