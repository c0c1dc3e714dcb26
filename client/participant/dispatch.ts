// Routes one inbox event to its handler. Events of sessions we never accepted are ignored, except
// their end, which is reported (e.g. a session that timed out before we read its invitation).
// The invitation's scheme picks the protocol: FROST or DKLs23 (docs/participant.md).
import { SignPhaseSchema, SignRestartedSchema } from '../../protocol/dkls23/sessions/messages.js';
import type { SessionEvent } from '../../protocol/sessions.js';
import {
  CommitRoundRestartedSchema,
  PhaseChangedSchema,
  SessionEndedSchema,
  isTerminalEventType,
  type KeygenInvite,
} from '../../protocol/session-events.js';
import { isDklsScheme } from '../../protocol/threshold-schemes.js';
import type { AgentContext } from './context.js';
import {
  onDklsKeygenEnded,
  onDklsKeygenRound1,
  onDklsKeygenRound2,
  startDklsKeygen,
} from './dkls23-keygen-rounds.js';
import { onDklsSignRound1, onDklsSignRound2, startDklsAttempt } from './dkls23-signing-rounds.js';
import { onDestroying } from './destroy.js';
import { onInvitation } from './invitations.js';
import { onKeygenEnded, onRound1Packages, onRound2Shares, startRound1 } from './keygen-rounds.js';
import type { SessionRecord } from './records.js';
import { commitFor, onSigningPackage } from './signing-rounds.js';

type RecordOf<K extends SessionRecord['kind']> = Extract<SessionRecord, { kind: K }>;

export async function handleEvent(ctx: AgentContext, event: SessionEvent): Promise<void> {
  if (event.type === 'keygen_invite') return onInvitation(ctx, 'keygen', event.payload);
  if (event.type === 'sign_invite') return onInvitation(ctx, 'sign', event.payload);
  if (event.type === 'destroy_invite') return onInvitation(ctx, 'destroy', event.payload);
  if (isTerminalEventType(event.type)) return onSessionEnded(ctx, event);
  const record = ctx.records.session(event.sessionId);
  if (!record?.accepted) return;
  if (record.kind === 'keygen') return keygenEvent(ctx, record, event);
  if (record.kind === 'destroy') return destroyEvent(ctx, record, event);
  return isDklsScheme(record.invite.scheme)
    ? dklsSignEvent(ctx, record, event)
    : frostSignEvent(ctx, record, event);
}

/** A keygen protocol's handlers: its round 1 on entering `round1`, and one per relay event. */
interface KeygenProtocol {
  start(ctx: AgentContext, invite: KeygenInvite): Promise<void>;
  relays: ReadonlyMap<
    string,
    (ctx: AgentContext, invite: KeygenInvite, payload: unknown) => Promise<void>
  >;
}
const FROST_KEYGEN: KeygenProtocol = {
  start: startRound1,
  relays: new Map([
    ['round1_packages', onRound1Packages],
    ['round2_shares', onRound2Shares],
  ]),
};
const DKLS_KEYGEN: KeygenProtocol = {
  start: startDklsKeygen,
  relays: new Map([
    ['dkls23_keygen_round1', onDklsKeygenRound1],
    ['dkls23_keygen_round2', onDklsKeygenRound2],
  ]),
};

async function keygenEvent(ctx: AgentContext, record: RecordOf<'keygen'>, event: SessionEvent) {
  const { invite } = record;
  const protocol = isDklsScheme(invite.scheme) ? DKLS_KEYGEN : FROST_KEYGEN;
  if (event.type === 'phase_changed') {
    if (PhaseChangedSchema.parse(event.payload).phase === 'round1')
      await protocol.start(ctx, invite);
    return;
  }
  await protocol.relays.get(event.type)?.(ctx, invite, event.payload);
}

async function frostSignEvent(ctx: AgentContext, record: RecordOf<'sign'>, event: SessionEvent) {
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

async function dklsSignEvent(ctx: AgentContext, record: RecordOf<'sign'>, event: SessionEvent) {
  switch (event.type) {
    case 'phase_changed':
      // Only round 1 starts anything; other phases need not carry an attempt.
      if (PhaseChangedSchema.parse(event.payload).phase === 'round1') {
        await startDklsAttempt(ctx, record, SignPhaseSchema.parse(event.payload).attempt);
      }
      return;
    case 'dkls23_sign_restarted':
      return startDklsAttempt(ctx, record, SignRestartedSchema.parse(event.payload).attempt);
    case 'dkls23_sign_round1':
      return onDklsSignRound1(ctx, record, event.payload);
    case 'dkls23_sign_round2':
      return onDklsSignRound2(ctx, record, event.payload);
  }
}

async function destroyEvent(ctx: AgentContext, record: RecordOf<'destroy'>, event: SessionEvent) {
  if (
    event.type === 'phase_changed' &&
    PhaseChangedSchema.parse(event.payload).phase === 'destroying'
  )
    await onDestroying(ctx, record.invite);
}

/** Any end: forget the session's secrets (a completed keygen keeps its key share under the key id). */
function onSessionEnded(ctx: AgentContext, event: SessionEvent): void {
  const ended = SessionEndedSchema.parse(event.payload);
  const record = ctx.records.session(event.sessionId);
  if (record?.kind === 'keygen') {
    const keyId = ended.state === 'completed' ? ended.result?.['keyId'] : undefined;
    const filed = typeof keyId === 'string' ? keyId : undefined;
    if (isDklsScheme(record.invite.scheme)) onDklsKeygenEnded(ctx, event.sessionId, filed);
    else onKeygenEnded(ctx, event.sessionId, filed);
  } else if (record?.kind !== 'destroy') {
    ctx.nonces.discardOtherRounds(event.sessionId);
    ctx.dklsSignings.delete(event.sessionId);
  }
  ctx.keystore.remove('session', event.sessionId);
  ctx.emit({ type: 'session_ended', sessionId: event.sessionId, state: ended.state });
}
