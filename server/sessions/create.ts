import { keyBansOf } from '../../db/key-bans.js';
import { escrowsOfKey, getKeyRow } from '../../db/keys.js';
import type { Db } from '../../db/open.js';
import { identityKeysOf } from '../../db/participants.js';
import { getSessionRow } from '../../db/sessions.js';
import { AppError } from '../../protocol/errors.js';
import type { Principal } from '../../protocol/identity.js';
import type { Directory, KeyRecord } from '../../protocol/session/description.js';
import { sortByIndex } from '../../protocol/session/participants.js';
import type { CreateSessionResult } from '../../protocol/session-view.js';
import type { Clock } from '../clock.js';
import type { ServeConfig } from '../config.js';
import { canSeeKey, keyNotFound } from './access.js';
import { newSessionId, requestHash } from './ids.js';
import type { RegisteredProtocol } from './protocols.js';
import type { SessionRuntime } from './runtime.js';
import { resolveTimeouts } from './timeouts.js';
import { sessionView } from './view.js';

export interface CreateDeps {
  db: Db;
  config: ServeConfig;
  runtime: SessionRuntime;
  clock: Clock;
}

/**
 * Idempotency (docs/sessions.md): a client-chosen id that exists already answers with that
 * session (`created: false`) when the request is the same, and CONFLICT otherwise. The request
 * hash covers the caller too, so another coordinator's id is a CONFLICT, never a view of it.
 */
function existing(db: Db, sessionId: string, hash: string): CreateSessionResult | undefined {
  const row = getSessionRow(db, sessionId);
  if (!row) return undefined;
  if (row.requestHash !== hash) {
    throw new AppError(
      'CONFLICT',
      `session id ${sessionId} is already used by a different request; choose another id`,
    );
  }
  return { created: false, session: sessionView(db, row) };
}

/** The lookups a protocol's `prepare` makes, answered for this caller with typed errors. */
function directoryFor(db: Db, principal: Principal, runtime: SessionRuntime): Directory {
  return {
    identityKeys(names) {
      const keys = identityKeysOf(db, names);
      const unknown = names.filter((name) => !keys.has(name));
      if (unknown.length > 0) {
        throw new AppError(
          'UNKNOWN_PARTICIPANTS',
          `not registered as participants: ${unknown.join(', ')}`,
          { unknown },
        );
      }
      return keys;
    },
    key(keyId): KeyRecord {
      const key = getKeyRow(db, keyId);
      if (!key || !canSeeKey(principal, key)) throw keyNotFound(keyId);
      return key;
    },
    escrows: (keyId) => escrowsOfKey(db, keyId),
    running: (keyId) => runtime.runningOn(keyId),
    bans: (keyId) =>
      new Map(
        keyBansOf(db, keyId).map((b) => [b.participant, { sessionId: b.sessionId, code: b.code }]),
      ),
  };
}

/**
 * The one create path: any protocol's request (already through its zod schema) becomes a
 * session — its row, the invitations and the first phase — or a typed error and nothing.
 */
export async function createSession(
  deps: CreateDeps,
  principal: Principal,
  protocol: RegisteredProtocol,
  request: unknown,
): Promise<CreateSessionResult> {
  const { checks, session } = protocol;
  const chosenId = checks.sessionId(request);
  const sessionId = chosenId ?? newSessionId(checks.idPrefix);
  const hash = requestHash({
    kind: protocol.kind,
    coordinator: principal.sub,
    ...checks.requestFields(request),
  });
  // A create of this id still in the group commit: once it settles, its row answers (or not).
  for (let queued = chosenId && deps.runtime.creating(sessionId); queued;) {
    await queued;
    queued = deps.runtime.creating(sessionId);
  }
  // From here to the runtime's create nothing awaits, so no other create of the id interleaves.
  const again = chosenId ? existing(deps.db, sessionId, hash) : undefined;
  if (again) return again;
  // The caps are checked before anything is read or written (docs/sessions.md, Limits).
  deps.runtime.admit(principal.sub);
  const prepared = checks.prepare(request, directoryFor(deps.db, principal, deps.runtime));
  const timeouts = resolveTimeouts(deps.config, checks.timeouts(request));
  const at = deps.clock();
  const input = { ...prepared.input, sessionId, coordinator: principal.sub, timeouts, at };
  const participants = sortByIndex(session.members(input)).map((p) => p.name);
  const audit = {
    actor: principal.sub,
    role: principal.role,
    action: `${protocol.kind}.create`,
    outcome: 'ok',
    sessionId,
    detail: prepared.audit,
    at,
  };
  const view = await deps.runtime.create(
    protocol,
    input,
    { ...prepared.row, requestHash: hash, participants },
    [audit],
    prepared.key,
  );
  return { created: true, session: view };
}
