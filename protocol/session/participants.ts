/**
 * Participant bookkeeping every session protocol shares: membership, per-participant status and the
 * list of names still owed for the current phase.
 *
 * @module
 */
import { SessionInputError, type Participant, type SessionInputBase } from './common.js';

interface HasParticipants {
  participants: readonly Participant[];
}

interface HasStatus<TStatus extends string> extends HasParticipants {
  status: Record<string, TStatus>;
}

export function sortByIndex<T extends { index: number }>(members: readonly T[]): T[] {
  return [...members].sort((a, b) => a.index - b.index);
}

export function namesOf(context: HasParticipants): string[] {
  return context.participants.map((p) => p.name);
}

export function isMember(context: HasParticipants, name: string): boolean {
  return context.participants.some((p) => p.name === name);
}

export function memberNamed(context: HasParticipants, name: string): Participant | undefined {
  return context.participants.find((p) => p.name === name);
}

/** Public participant list (no escrow or other private fields), in index order. */
export function publicParticipants(members: readonly Participant[]): Participant[] {
  return sortByIndex(members).map(({ name, index, identityKey }) => ({ name, index, identityKey }));
}

export function statusOfAll<TStatus extends string>(
  context: HasParticipants,
  status: TStatus,
): Record<string, TStatus> {
  return Object.fromEntries(context.participants.map((p) => [p.name, status]));
}

/** Names (in index order) whose status is not yet `done`. */
export function owing<TStatus extends string>(
  context: HasStatus<TStatus>,
  done: TStatus,
): string[] {
  return context.participants.filter((p) => context.status[p.name] !== done).map((p) => p.name);
}

/**
 * Marks `name` with `status` and recomputes who is still owed; `done` is the status that settles
 * the current phase.
 */
export function markStatus<TStatus extends string>(
  context: HasStatus<TStatus>,
  name: string,
  status: TStatus,
  done: TStatus,
): { status: Record<string, TStatus>; waitingFor: string[] } {
  const next = { ...context, status: { ...context.status, [name]: status } };
  return { status: next.status, waitingFor: owing(next, done) };
}

/** Records `value` under `name` without mutating the map (XState contexts are immutable). */
export function withEntry<T>(map: Record<string, T>, name: string, value: T): Record<string, T> {
  return { ...map, [name]: value };
}

/** Entries of a name-keyed map in the participants' index order. */
export function inIndexOrder<T>(
  context: HasParticipants,
  map: Record<string, T>,
): Array<{ name: string; index: number; value: T }> {
  return context.participants.flatMap((p) => {
    const value = map[p.name];
    return value === undefined ? [] : [{ name: p.name, index: p.index, value }];
  });
}

/** Checks the invariants every session relies on; the runtime's zod schemas should already hold. */
export function assertSessionInput(
  input: SessionInputBase,
  members: readonly Participant[],
  what: string,
  schemes: readonly string[],
): void {
  const fail = (message: string): never => {
    throw new SessionInputError(`${what} ${input.sessionId}: ${message}`);
  };
  if (!input.sessionId) fail('sessionId is empty');
  if (!Number.isFinite(input.at)) fail(`at must be epoch milliseconds, got ${input.at}`);
  if (!schemes.includes(input.scheme)) fail(`unknown scheme ${input.scheme}`);
  for (const key of ['inviteMs', 'roundMs'] as const) {
    const ms = input.timeouts[key];
    if (!Number.isSafeInteger(ms) || ms <= 0) fail(`timeouts.${key} must be a positive integer`);
  }
  const names = new Set<string>();
  const indexes = new Set<number>();
  for (const p of members) {
    if (!p.name) fail('a participant name is empty');
    if (names.has(p.name)) fail(`participant ${p.name} is listed twice`);
    if (!Number.isSafeInteger(p.index) || p.index < 1)
      fail(`${p.name} has invalid index ${p.index}`);
    if (indexes.has(p.index)) fail(`index ${p.index} is used twice`);
    names.add(p.name);
    indexes.add(p.index);
  }
  if (!Number.isSafeInteger(input.threshold) || input.threshold < 1) {
    fail(`threshold must be a positive integer, got ${input.threshold}`);
  }
  if (members.length < input.threshold) {
    fail(`${members.length} participants cannot meet threshold ${input.threshold}`);
  }
}
