/**
 * Why an event is refused. XState silently ignores events no transition takes; the runtime
 * instead asks `explainRejection(snapshot, event)` first and returns the typed reason.
 *
 * Each protocol declares one rule per event type (the phases that accept it and a check on the
 * context). The machine's `acceptable` guard runs the same check, so a transition is taken
 * exactly when `explainRejection` returns `null` (the tests hold both to that).
 *
 * @module
 */
import type {
  AbortEvent,
  FailEvent,
  InvitationStatus,
  RespondEvent,
  SessionContextBase,
  TimeoutEvent,
} from './common.js';

export const REJECTION_CODES = [
  /** The session is in a final state. */
  'SESSION_FINISHED',
  /** The machine has no such event type. */
  'UNKNOWN_EVENT',
  /** The event type exists but the current phase does not take it. */
  'WRONG_PHASE',
  /** The acting (or accused) name is not a member of the session. */
  'NOT_A_PARTICIPANT',
  /** A second answer to the same invitation. */
  'ALREADY_ANSWERED',
  /** A second submission for the same phase (or commitment round). */
  'ALREADY_SUBMITTED',
  /** The submission does not fit the session (e.g. ciphertexts for the wrong recipients). */
  'INVALID_SUBMISSION',
  /** A signing submission for an earlier commitment round. */
  'STALE_ROUND',
  /** Signing: a commitment that was already used (nonces are single use). */
  'COMMITMENT_REUSED',
  /** Signing: NONCES_LOST from a participant that has no commitment in this round. */
  'NOT_COMMITTED',
  /** Signing: AGGREGATED before every share is in. */
  'NOT_READY',
  /** TIMEOUT sent before `context.deadline` (e.g. a stale timer): re-arm instead. */
  'DEADLINE_NOT_REACHED',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface Rejection {
  code: RejectionCode;
  message: string;
}

/** What `explainRejection` needs: a live snapshot or a persisted (JSON) one both fit. */
export interface SnapshotLike<TContext> {
  status: string;
  value: unknown;
  context: TContext;
}

export interface EventRule<TContext, TEvent> {
  /** Working phases that accept the event; `'any'` means every working phase. */
  phases: readonly string[] | 'any';
  /** Context checks once the phase is right; `null` means accepted. */
  check?(context: TContext, event: TEvent): Rejection | null;
}

export type EventRules<TContext, TEvent extends { type: string }> = {
  [K in TEvent['type']]: EventRule<TContext, Extract<TEvent, { type: K }>>;
};

type AnyContext = SessionContextBase<string, string>;

export function reject(code: RejectionCode, message: string): Rejection {
  return { code, message };
}

function ruleFor<TContext, TEvent extends { type: string }>(
  rules: EventRules<TContext, TEvent>,
  type: string,
): EventRule<TContext, TEvent> | undefined {
  if (!Object.hasOwn(rules, type)) return undefined;
  // Each rule takes its own event type; callers pass the event whose type selected the rule.
  return (rules as unknown as Record<string, EventRule<TContext, TEvent>>)[type];
}

/** The context check alone: what the machine's `acceptable` guard evaluates. */
export function checkEvent<TContext, TEvent extends { type: string }>(
  rules: EventRules<TContext, TEvent>,
  context: TContext,
  event: TEvent,
): Rejection | null {
  return ruleFor(rules, event.type)?.check?.(context, event) ?? null;
}

/** Full explanation: finished session, unknown type, wrong phase, then the context check. */
export function explainWith<TContext extends AnyContext, TEvent extends { type: string }>(
  rules: EventRules<TContext, TEvent>,
  snapshot: SnapshotLike<TContext>,
  event: TEvent,
): Rejection | null {
  const { context } = snapshot;
  const state = String(snapshot.value);
  if (snapshot.status !== 'active') {
    return reject('SESSION_FINISHED', `session ${context.sessionId} has ended (${state})`);
  }
  const rule = ruleFor(rules, event.type);
  if (!rule) {
    return reject('UNKNOWN_EVENT', `${context.kind} sessions have no event ${event.type}`);
  }
  if (rule.phases !== 'any' && !rule.phases.includes(state)) {
    return reject(
      'WRONG_PHASE',
      `${event.type} is not accepted in phase ${state} of session ${context.sessionId} ` +
        `(only in ${rule.phases.join(', ')})`,
    );
  }
  return rule.check?.(context, event) ?? null;
}

// Checks the protocols' rules share.

export function notAMember(context: AnyContext, name: string): Rejection | null {
  if (context.participants.some((p) => p.name === name)) return null;
  return reject(
    'NOT_A_PARTICIPANT',
    `${name} is not a participant of session ${context.sessionId}`,
  );
}

/** Refuses a second submission: `done` lists the statuses meaning "already submitted". */
export function alreadySubmitted(
  context: AnyContext,
  name: string,
  done: readonly string[],
  what: string,
): Rejection | null {
  const status = context.status[name];
  if (status === undefined || !done.includes(status)) return null;
  return reject(
    'ALREADY_SUBMITTED',
    `${name} already submitted ${what} (session ${context.sessionId})`,
  );
}

/** Rules for the events every session accepts, with identical meaning. */
export function commonRules<
  TContext extends SessionContextBase<string, InvitationStatus | string>,
>(): {
  RESPOND: EventRule<TContext, RespondEvent>;
  FAIL: EventRule<TContext, FailEvent>;
  TIMEOUT: EventRule<TContext, TimeoutEvent>;
  ABORT: EventRule<TContext, AbortEvent>;
} {
  return {
    RESPOND: {
      phases: ['inviting'],
      check: (context, event) => {
        const notMember = notAMember(context, event.participant);
        if (notMember) return notMember;
        const status = context.status[event.participant];
        if (status === 'invited') return null;
        return reject(
          'ALREADY_ANSWERED',
          `${event.participant} already answered the invitation to session ` +
            `${context.sessionId} (${status})`,
        );
      },
    },
    FAIL: { phases: 'any' },
    ABORT: { phases: 'any' },
    TIMEOUT: {
      phases: 'any',
      check: (context, event) => {
        if (context.deadline === null || event.at >= context.deadline) return null;
        return reject(
          'DEADLINE_NOT_REACHED',
          `TIMEOUT at ${event.at} is before the ${context.phase} deadline ${context.deadline} ` +
            `of session ${context.sessionId}; re-arm the timer`,
        );
      },
    },
  };
}
