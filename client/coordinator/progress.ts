// What a follower knows about a running session: the last SessionView, advanced by the events
// of session.watch (each carries the phase or who is still owed), so progress needs no polling.
import type { SessionView } from '../../protocol/session-view.js';
import type { SessionEvent } from '../../protocol/sessions.js';
import {
  CommitRoundRestartedSchema,
  ParticipantAnsweredSchema,
  PhaseChangedSchema,
  SessionEndedSchema,
  SubmittedSchema,
  isTerminalEventType,
} from '../../protocol/session-events.js';

export interface SessionProgress {
  view: SessionView;
  /** The event that produced this progress (null: from session.get). */
  event: SessionEvent | null;
}

/** `view` advanced by `event` (events the view does not reflect only move its lastEventId). */
export function advance(previous: SessionView, event: SessionEvent): SessionView {
  const view = { ...previous, lastEventId: String(event.id) };
  const p = event.payload;
  const at = event.createdAt;
  switch (event.type) {
    case 'phase_changed': {
      const e = PhaseChangedSchema.parse(p);
      return {
        ...view,
        state: e.phase,
        phase: e.phase,
        waitingFor: e.waitingFor,
        deadline: e.deadline ?? null,
        commitRound: e.commitRound ?? view.commitRound,
        updatedAt: at,
      };
    }
    case 'participant_answered': {
      const e = ParticipantAnsweredSchema.parse(p);
      const status = e.accept ? 'accepted' : 'rejected';
      const participants = view.participants.map((m) =>
        m.name === e.participant ? { ...m, status } : m,
      );
      return { ...view, participants, waitingFor: e.waitingFor, updatedAt: at };
    }
    case 'submitted': {
      return { ...view, waitingFor: SubmittedSchema.parse(p).waitingFor, updatedAt: at };
    }
    case 'commit_round_restarted':
      return {
        ...view,
        commitRound: CommitRoundRestartedSchema.parse(p).commitRound,
        updatedAt: at,
      };
  }
  if (isTerminalEventType(event.type)) {
    const e = SessionEndedSchema.parse(p);
    return {
      ...view,
      state: e.state,
      waitingFor: e.waitingFor,
      deadline: null,
      result: e.result ?? view.result,
      error: e.error ? { phase: view.phase, ...e.error } : view.error,
      updatedAt: at,
    };
  }
  return view;
}
