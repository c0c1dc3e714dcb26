/**
 * The context fields every session starts with, built from the shared part of the input.
 *
 * @module
 */
import type { Participant, SessionInputBase, SessionKind } from './common.js';
import { publicParticipants, statusOfAll } from './participants.js';
import { enterPhase, INVITING } from './phase.js';

/** Everyone invited, the invitation deadline at `input.at + timeouts.inviteMs`. */
export function initialSessionFields<TKind extends SessionKind>(
  kind: TKind,
  input: SessionInputBase,
  members: readonly Participant[],
) {
  const participants = publicParticipants(members);
  const timeouts = { inviteMs: input.timeouts.inviteMs, roundMs: input.timeouts.roundMs };
  return {
    kind,
    sessionId: input.sessionId,
    coordinator: input.coordinator,
    scheme: input.scheme,
    threshold: input.threshold,
    participants,
    timeouts,
    status: statusOfAll({ participants }, 'invited' as const),
    ...enterPhase({ participants, timeouts }, INVITING, input.at),
    createdAt: input.at,
    endedAt: null,
    error: null,
  };
}
