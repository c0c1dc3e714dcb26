import { SigSocketError } from '../../protocol/errors.js';
import type { SessionErrorView, SessionView } from '../../protocol/session-view.js';

/** Exit codes of the CLI per final state (0 = completed). */
export const ENDED_STATES = ['rejected', 'failed', 'timed_out', 'aborted'] as const;
export type EndedState = (typeof ENDED_STATES)[number];

/**
 * A followed session ended without completing. `code` is `SESSION_<STATE>` (e.g.
 * SESSION_TIMED_OUT); `error` says who and why, `waitingFor` who was still owed.
 */
export class SessionEndedError extends SigSocketError<`SESSION_${string}`> {
  readonly state: string;
  readonly error: SessionErrorView | null;
  readonly waitingFor: string[];

  constructor(readonly session: SessionView) {
    super(`SESSION_${session.state.toUpperCase()}`, describeEnd(session));
    this.state = session.state;
    this.error = session.error;
    this.waitingFor = session.error?.waitingFor ?? session.waitingFor;
  }
}

/** One sentence: `keygen kg_1 timed_out in round2: <why> (waiting for: carol)`. */
export function describeEnd(view: SessionView): string {
  const why = view.error?.message ?? 'no reason given';
  const waiting = view.error?.waitingFor ?? view.waitingFor;
  const owed = waiting.length > 0 ? ` (waiting for: ${waiting.join(', ')})` : '';
  return `${view.kind} ${view.id} ${view.state} in ${view.error?.phase ?? view.phase}: ${why}${owed}`;
}
