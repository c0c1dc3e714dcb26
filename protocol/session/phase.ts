/**
 * Phase entry and deadlines. XState does not restore `after` timers from persisted snapshots,
 * so the session machine keeps an absolute `deadline` in context and the runtime arms its own timer.
 *
 * @module
 */
import type { Participant, Timeouts } from './common.js';

/** The phase every session starts in; it uses `timeouts.inviteMs`, all others `roundMs`. */
export const INVITING = 'inviting' as const;

export function deadlineAfter(at: number, ms: number): number {
  return at + ms;
}

export function phaseDuration(timeouts: Timeouts, phase: string): number {
  return phase === INVITING ? timeouts.inviteMs : timeouts.roundMs;
}

export interface PhaseFields<TPhase extends string> {
  phase: TPhase;
  waitingFor: string[];
  deadline: number;
  phaseStartedAt: number;
}

/** The deadline of the running phase; only a final state has none. */
export function runningDeadline(context: { sessionId: string; deadline: number | null }): number {
  if (context.deadline === null) throw new Error(`session ${context.sessionId} has ended`);
  return context.deadline;
}

/** Context fields for entering `phase` at time `at`: everyone is owed, the clock restarts. */
export function enterPhase<TPhase extends string>(
  context: { participants: readonly Participant[]; timeouts: Timeouts },
  phase: TPhase,
  at: number,
): PhaseFields<TPhase> {
  return {
    phase,
    waitingFor: context.participants.map((p) => p.name),
    deadline: deadlineAfter(at, phaseDuration(context.timeouts, phase)),
    phaseStartedAt: at,
  };
}
