// Text for live session progress: the compact status line (TTY) and the log line per event.
import type { SessionView } from '../protocol/session-view.js';
import type { SessionEvent } from '../protocol/sessions.js';
import { isTerminalState } from '../protocol/session-states.js';
import type { SessionProgress } from '../client/coordinator/index.js';
import {
  CommitRoundRestartedSchema,
  ParticipantAnsweredSchema,
  SubmittedSchema,
} from '../protocol/session-events.js';

const MAX_NAMES = 4;

/** What a `submitted` event means in each phase. */
const SUBMITTED: Record<string, string> = {
  round1: 'sent its round-1 commitments',
  round2: 'sent its encrypted round-2 shares',
  confirming: 'confirmed the group key',
  commitments: 'committed to its nonces',
  shares: 'sent its signature share',
};

/** `a, b, c +2 more` */
export function nameList(names: string[]): string {
  if (names.length <= MAX_NAMES) return names.join(', ');
  return `${names.slice(0, MAX_NAMES).join(', ')} +${names.length - MAX_NAMES} more`;
}

/** `1m05s left`, `42s left`, `deadline passed` */
export function timeLeft(deadline: number | null, now: number): string {
  if (deadline === null) return '';
  const s = Math.ceil((deadline - now) / 1000);
  if (s <= 0) return 'deadline passed';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s left` : `${s}s left`;
}

function phaseLabel(view: SessionView): string {
  return view.kind === 'sign' && view.phase === 'commitments' && (view.commitRound ?? 1) > 1
    ? `commitments (round ${view.commitRound})`
    : view.phase;
}

/** `3/5 answered` while inviting, `3/5 submitted` in a round. */
function counts(view: SessionView): string {
  const total = view.participants.length;
  const verb = view.phase === 'inviting' ? 'answered' : 'submitted';
  return `${total - view.waitingFor.length}/${total} ${verb}`;
}

/** Where the session stands: phase, counts, who is awaited, time left (or how it ended). */
function statusParts(view: SessionView, now: number): string[] {
  if (isTerminalState(view.state)) {
    return [
      view.state === 'completed' ? 'completed' : `${view.state}: ${view.error?.message ?? ''}`,
    ];
  }
  const parts = [phaseLabel(view), counts(view)];
  if (view.waitingFor.length > 0) parts.push(`waiting for ${nameList(view.waitingFor)}`);
  const left = timeLeft(view.deadline, now);
  if (left) parts.push(left);
  return parts;
}

/** One compact line: `keygen kg_1  round2  2/3 submitted  waiting for carol  41s left`. */
export function statusLine(view: SessionView, now: number): string {
  return [`${view.kind} ${view.id}`, ...statusParts(view, now)].join('  ');
}

function eventText(view: SessionView, event: SessionEvent): string | null {
  const waiting = view.waitingFor.length > 0 ? ` (waiting for ${nameList(view.waitingFor)})` : '';
  switch (event.type) {
    case 'participant_answered': {
      const e = ParticipantAnsweredSchema.parse(event.payload);
      return e.accept
        ? `${e.participant} accepted${waiting}`
        : `${e.participant} rejected: ${e.reason ?? 'no reason'}`;
    }
    case 'phase_changed': {
      const deadline =
        view.deadline === null ? '' : `, deadline ${new Date(view.deadline).toISOString()}`;
      return `phase ${phaseLabel(view)}${deadline}${waiting}`;
    }
    case 'submitted': {
      const e = SubmittedSchema.parse(event.payload);
      return `${e.participant} ${SUBMITTED[e.phase] ?? `submitted ${e.phase}`}${waiting}`;
    }
    case 'commit_round_restarted': {
      const e = CommitRoundRestartedSchema.parse(event.payload);
      return `${e.participant} lost its nonces: commitment round ${e.commitRound} with fresh nonces (${e.restartsLeft} restarts left)`;
    }
    case 'round1_packages':
      return 'round-1 packages broadcast';
    case 'signing_package':
      return 'signing package broadcast';
  }
  return isTerminalState(view.state) ? statusParts(view, view.updatedAt).join(', ') : null;
}

/** A log line for this progress step, or null when there is nothing worth a line. */
export function logLine(progress: SessionProgress, now: number): string | null {
  const { view, event } = progress;
  const text = event ? eventText(view, event) : statusParts(view, now).join(', ');
  return text === null ? null : `${new Date(now).toISOString()} ${view.kind} ${view.id}: ${text}`;
}
