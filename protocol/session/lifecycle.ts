/**
 * How a session ends: the context fields each final state sets, the same for every protocol.
 * Each function returns a context patch; the machine's actions assign it.
 *
 * @module
 */
import type {
  AbortEvent,
  FailEvent,
  RespondEvent,
  SessionContextBase,
  SessionError,
  TimeoutEvent,
} from './common.js';
import type { Failure } from './description.js';

type AnyContext = SessionContextBase<string, string>;

export interface EndFields {
  waitingFor: string[];
  deadline: null;
  endedAt: number;
  error: SessionError | null;
}

function names(list: readonly string[]): string {
  return list.join(', ');
}

function endWith(at: number, error: SessionError | null, waitingFor: string[] = []): EndFields {
  return { waitingFor, deadline: null, endedAt: at, error };
}

export function completedAt(at: number): EndFields {
  return endWith(at, null);
}

export function rejectedBy(context: AnyContext, event: RespondEvent): EndFields {
  const why = event.reason ? `: ${event.reason}` : ' (no reason given)';
  return endWith(event.at, {
    code: 'REJECTED',
    message: `${event.participant} rejected the invitation${why}`,
    phase: context.phase,
    culprits: [event.participant],
  });
}

/** Ends the session `failed` with a verdict: from a FAIL event or the machine's own checks. */
export function failedWith(context: AnyContext, at: number, failure: Failure): EndFields {
  const { code, reason, culprits, ...extra } = failure;
  const blame = culprits.length > 0 ? ` (culprits: ${names(culprits)})` : '';
  return endWith(at, {
    ...extra,
    code,
    message: `${context.phase} failed: ${reason}${blame}`,
    phase: context.phase,
    culprits: [...culprits],
  });
}

export function failedBy(context: AnyContext, event: FailEvent): EndFields {
  return failedWith(context, event.at, {
    code: event.code ?? 'PROTOCOL_VIOLATION',
    reason: event.reason,
    culprits: event.culprits,
  });
}

/**
 * A participant says another one misbehaved. The server cannot tell which of the two is honest,
 * so both are named as culprits; `accuser` and `accused` say who is who.
 */
export function complaintBy(complaint: {
  participant: string;
  accused: string;
  reason: string;
}): Failure {
  const { participant: accuser, accused, reason } = complaint;
  return {
    code: 'COMPLAINT',
    reason: `${accuser} complains about ${accused}: ${reason}`,
    culprits: [accused, accuser],
    accuser,
    accused,
  };
}

/** Keeps `waitingFor`: the names that did not deliver are the useful part of a timeout. */
export function timedOut(context: AnyContext, event: TimeoutEvent): EndFields {
  const waitingFor = [...context.waitingFor];
  const owed = waitingFor.length > 0 ? `waiting for ${names(waitingFor)}` : 'nobody was owed';
  return endWith(
    event.at,
    {
      code: 'TIMEOUT',
      message: `${context.phase} timed out at ${context.deadline}, ${owed}`,
      phase: context.phase,
      culprits: [],
      waitingFor,
    },
    waitingFor,
  );
}

export function abortedBy(context: AnyContext, event: AbortEvent): EndFields {
  const why = event.reason ? `: ${event.reason}` : '';
  return endWith(event.at, {
    code: 'ABORTED',
    message: `aborted by ${event.by} during ${context.phase}${why}`,
    phase: context.phase,
    culprits: [],
    by: event.by,
  });
}
