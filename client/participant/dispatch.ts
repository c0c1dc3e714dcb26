// Routes one inbox event to its handler. Events of sessions we never accepted are ignored, except
// their end, which is reported (e.g. a session that timed out before we read its invitation).
import type { SessionEvent } from '../../protocol/sessions.js';
import {
  CommitRoundRestartedSchema,
  PhaseChangedSchema,
  SessionEndedSchema,
  isTerminalEventType,
} from '../../protocol/session-events.js';
import type { AgentContext } from './context.js';
import { onInvitation } from './invitations.js';
import { onKeygenEnded, onRound1Packages, onRound2Shares, startRound1 } from './keygen-rounds.js';
import { commitFor, onSigningPackage } from './signing-rounds.js';

export async function handleEvent(ctx: AgentContext, event: SessionEvent): Promise<void> {
  if (event.type === 'keygen_invite') return onInvitation(ctx, 'keygen', event.payload);
  if (event.type === 'sign_invite') return onInvitation(ctx, 'sign', event.payload);
  if (isTerminalEventType(event.type)) return onSessionEnded(ctx, event);
  const record = ctx.records.session(event.sessionId);
  if (!record?.accepted) return;

  if (record.kind === 'keygen') {
    const { invite } = record;
    switch (event.type) {
      case 'phase_changed':
        if (PhaseChangedSchema.parse(event.payload).phase === 'round1')
          await startRound1(ctx, invite);
        return;
      case 'round1_packages':
        return onRound1Packages(ctx, invite, event.payload);
      case 'round2_shares':
        return onRound2Shares(ctx, invite, event.payload);
    }
    return;
  }
  switch (event.type) {
    case 'phase_changed': {
      const phase = PhaseChangedSchema.parse(event.payload);
      if (phase.phase === 'commitments') {
        await commitFor(ctx, record, phase.commitRound ?? record.invite.commitRound);
      }
      return;
    }
    case 'commit_round_restarted':
      return commitFor(ctx, record, CommitRoundRestartedSchema.parse(event.payload).commitRound);
    case 'signing_package':
      return onSigningPackage(ctx, record.invite, event.payload);
  }
}

/** Any end: forget the session's secrets (a completed keygen keeps its key share under the key id). */
function onSessionEnded(ctx: AgentContext, event: SessionEvent): void {
  const ended = SessionEndedSchema.parse(event.payload);
  const record = ctx.records.session(event.sessionId);
  if (record?.kind === 'keygen') {
    const keyId = ended.state === 'completed' ? ended.result?.['keyId'] : undefined;
    onKeygenEnded(ctx, event.sessionId, typeof keyId === 'string' ? keyId : undefined);
  } else {
    ctx.nonces.discardOtherRounds(event.sessionId);
  }
  ctx.keystore.remove('session', event.sessionId);
  ctx.emit({ type: 'session_ended', sessionId: event.sessionId, state: ended.state });
}
