import type { z } from 'zod';
import type { Participant } from '../../machines/index.js';
import { escrowsOfKey, getKeyRow, type KeyRow } from '../../db/keys.js';
import type { Db } from '../../db/open.js';
import { identityKeysOf } from '../../db/participants.js';
import { getSessionRow, type SessionRow } from '../../db/sessions.js';
import { AppError } from '../../protocol/errors.js';
import type { Principal } from '../../protocol/identity.js';
import type { CreateSessionResult } from '../../protocol/session-view.js';
import type { KeygenCreateInputSchema, SignCreateInputSchema } from '../../protocol/sessions.js';
import type { Scheme } from '../../protocol/frost/schemes.js';
import type { ServeConfig } from '../config.js';
import { canSeeKey, keyNotFound } from './access.js';
import { newSessionId, requestHash } from './ids.js';
import type { SessionRuntime } from './runtime.js';
import { resolveTimeouts } from './timeouts.js';
import { sessionView } from './view.js';

export type KeygenCreate = z.output<typeof KeygenCreateInputSchema>;
export type SignCreate = z.output<typeof SignCreateInputSchema>;

interface CreateDeps {
  db: Db;
  config: ServeConfig;
  runtime: SessionRuntime;
}

/**
 * Idempotency (SPEC §5): a client-chosen id that exists already answers with that session
 * (`created: false`) when the request is the same, and CONFLICT otherwise. The request hash
 * covers the caller too, so another coordinator's id is a CONFLICT, never a view of it.
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

function created(db: Db, row: SessionRow): CreateSessionResult {
  return { created: true, session: sessionView(db, row) };
}

function auditCreate(
  principal: Principal,
  action: string,
  sessionId: string,
  detail: Record<string, unknown>,
  at: number,
) {
  return [
    { actor: principal.sub, role: principal.role, action, outcome: 'ok', sessionId, detail, at },
  ];
}

/** One error listing every name that is not registered. */
function requireRegistered(db: Db, names: readonly string[]): Map<string, string> {
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
}

export function createKeygen(
  deps: CreateDeps,
  principal: Principal,
  input: KeygenCreate,
): CreateSessionResult {
  const sessionId = input.sessionId ?? newSessionId('keygen');
  const hash = requestHash({
    kind: 'keygen',
    coordinator: principal.sub,
    threshold: input.threshold,
    participants: input.participants,
    scheme: input.scheme,
    label: input.label ?? null,
    timeouts: input.timeouts ?? null,
  });
  const again = input.sessionId ? existing(deps.db, sessionId, hash) : undefined;
  if (again) return again;
  const n = input.participants.length;
  if (input.threshold > n) {
    throw new AppError('BAD_REQUEST', `threshold ${input.threshold} exceeds the ${n} participants`);
  }
  const timeouts = resolveTimeouts(deps.config, input.timeouts);
  const identityKeys = requireRegistered(deps.db, input.participants);
  const participants: Participant[] = input.participants.map((name, i) => ({
    name,
    index: i + 1,
    identityKey: identityKeys.get(name)!,
  }));
  const at = Date.now();
  const row = deps.runtime.create(
    {
      kind: 'keygen',
      input: {
        sessionId,
        coordinator: principal.sub,
        scheme: input.scheme,
        threshold: input.threshold,
        timeouts,
        at,
        label: input.label ?? null,
        participants,
      },
    },
    {
      label: input.label ?? null,
      keyId: null,
      message: null,
      requestHash: hash,
      participants: input.participants,
    },
    auditCreate(
      principal,
      'keygen.create',
      sessionId,
      { threshold: input.threshold, participants: input.participants, scheme: input.scheme },
      at,
    ),
  );
  return created(deps.db, row);
}

/** The key's members among `names`, with their key indexes (UNKNOWN_PARTICIPANTS otherwise). */
function signersOf(key: KeyRow, names: readonly string[]): Map<string, number> {
  const indexes = new Map(key.participants.map((p) => [p.name, p.index]));
  const unknown = names.filter((name) => !indexes.has(name));
  if (unknown.length > 0) {
    throw new AppError(
      'UNKNOWN_PARTICIPANTS',
      `not participants of key ${key.id}: ${unknown.join(', ')}`,
      { unknown },
    );
  }
  if (names.length < key.threshold) {
    throw new AppError(
      'BAD_REQUEST',
      `key ${key.id} needs at least ${key.threshold} signers, got ${names.length}`,
    );
  }
  return indexes;
}

export function createSign(
  deps: CreateDeps,
  principal: Principal,
  input: SignCreate,
): CreateSessionResult {
  const sessionId = input.sessionId ?? newSessionId('sign');
  const hash = requestHash({
    kind: 'sign',
    coordinator: principal.sub,
    keyId: input.keyId,
    message: input.message,
    participants: input.participants,
    timeouts: input.timeouts ?? null,
  });
  const again = input.sessionId ? existing(deps.db, sessionId, hash) : undefined;
  if (again) return again;
  const key = getKeyRow(deps.db, input.keyId);
  if (!key || !canSeeKey(principal, key)) throw keyNotFound(input.keyId);
  const indexes = signersOf(key, input.participants);
  const timeouts = resolveTimeouts(deps.config, input.timeouts);
  const identityKeys = requireRegistered(deps.db, input.participants);
  const escrows = escrowsOfKey(deps.db, key.id);
  const signers = input.participants.map((name) => ({
    name,
    index: indexes.get(name)!,
    identityKey: identityKeys.get(name)!,
    escrow: escrows.get(name) ?? null,
  }));
  const at = Date.now();
  const row = deps.runtime.create(
    {
      kind: 'sign',
      input: {
        sessionId,
        coordinator: principal.sub,
        scheme: key.scheme as Scheme,
        threshold: key.threshold,
        timeouts,
        at,
        keyId: key.id,
        message: input.message,
        signers,
      },
    },
    {
      label: null,
      keyId: key.id,
      message: input.message,
      requestHash: hash,
      participants: [...signers].sort((a, b) => a.index - b.index).map((s) => s.name),
    },
    auditCreate(
      principal,
      'sign.create',
      sessionId,
      { keyId: key.id, participants: input.participants, messageBytes: input.message.length / 2 },
      at,
    ),
    key,
  );
  return created(deps.db, row);
}
