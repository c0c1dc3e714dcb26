// keygen_invite / sign_invite / destroy_invite: ask the approval policy once, remember the answer, answer the
// server. A replayed invitation is answered again the same way without asking; one for a session
// that already ended, or that we answered before losing the keystore, is not asked about at all.
import { digestOf } from '../../protocol/dkls23/sessions/digest.js';
import { bytesToHex, hexToBytes } from '../../protocol/encoding.js';
import { isTerminalState } from '../../protocol/session-states.js';
import { StoppedError } from '../retry.js';
import { refusalOf } from '../server-errors.js';
import {
  DestroyInviteSchema,
  KeygenInviteSchema,
  SignInviteSchema,
} from '../../protocol/session-events.js';
import type { AgentContext } from './context.js';
import type { SessionRecord } from './records.js';
import type { ApprovalDecision, Invitation } from './types.js';

type Kind = SessionRecord['kind'];

/** The invitation, validated, as a not-yet-accepted record. */
function recordOf(kind: Kind, payload: unknown): SessionRecord {
  switch (kind) {
    case 'keygen':
      return { kind, accepted: false, invite: KeygenInviteSchema.parse(payload) };
    case 'sign':
      return { kind, accepted: false, invite: SignInviteSchema.parse(payload) };
    case 'destroy':
      return { kind, accepted: false, invite: DestroyInviteSchema.parse(payload) };
  }
}

/** The invitation as the policy sees it: no escrow blob. */
function invitationOf(record: SessionRecord): Invitation {
  if (record.kind === 'keygen') return { kind: 'keygen', ...record.invite };
  if (record.kind === 'destroy') return { kind: 'destroy', ...record.invite };
  const { escrow: _escrow, ...invite } = record.invite;
  return { kind: 'sign', ...invite };
}

/**
 * A signing whose digest is not the hash of the message it shows is declined without asking:
 * the approver would judge one message while the key signs another.
 */
export function digestMismatch(record: SessionRecord): { accept: false; reason: string } | null {
  if (record.kind !== 'sign' || !record.invite.hashed) return null;
  const { hash, message } = record.invite.hashed;
  let digest: string;
  try {
    digest = bytesToHex(digestOf(hash, hexToBytes(message)));
  } catch {
    return { accept: false, reason: `${record.invite.sessionId}: the message shown is not hex` };
  }
  if (digest === record.invite.message.toLowerCase()) return null;
  return {
    accept: false,
    reason: `the digest to sign is not the ${hash} of the message shown`,
  };
}

/** Our status in the session as the server has it; null when it ended or is not ours. */
async function statusOnServer(ctx: AgentContext, sessionId: string): Promise<string | null> {
  try {
    const view = await ctx.call(() => ctx.client.session.get.query({ sessionId }));
    if (isTerminalState(view.state)) return null;
    return view.participants.find((p) => p.name === ctx.name)?.status ?? null;
  } catch (err) {
    if (refusalOf(err)) return null;
    throw err;
  }
}

async function decide(
  ctx: AgentContext,
  invitation: Invitation,
): Promise<{ accept: boolean; reason?: string }> {
  let decision: ApprovalDecision;
  try {
    decision = await ctx.approve(invitation);
  } catch (err) {
    // Stopped while the policy was still deciding: nothing was decided, so nothing is recorded;
    // the replayed invitation is asked about again after a restart.
    if (err instanceof StoppedError) throw err;
    ctx.log.error(
      { sessionId: invitation.sessionId, err: (err as Error).message },
      'approval policy failed',
    );
    return { accept: false, reason: `${ctx.name}: the approval policy failed` };
  }
  if (decision === true) return { accept: true };
  if (decision === false) return { accept: false, reason: `${ctx.name} declined the invitation` };
  return { accept: false, reason: decision.reason };
}

export async function onInvitation(ctx: AgentContext, kind: Kind, payload: unknown): Promise<void> {
  const record = recordOf(kind, payload);
  const { sessionId } = record.invite;
  const known = ctx.records.session(sessionId);
  if (known) {
    // Replayed after a restart: the server may not have heard our answer yet.
    await ctx.respond(sessionId, known.accepted);
    return;
  }
  const status = await statusOnServer(ctx, sessionId);
  if (status === null) return;
  if (status !== 'invited') {
    ctx.records.putSession(sessionId, { ...record, accepted: status !== 'rejected' });
    return;
  }
  const answer = digestMismatch(record) ?? (await decide(ctx, invitationOf(record)));
  ctx.records.putSession(sessionId, { ...record, accepted: answer.accept });
  await ctx.respond(sessionId, answer.accept, answer.reason);
}
