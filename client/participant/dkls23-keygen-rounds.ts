// DKLs23 keygen as a participant (docs/participant.md, DKLs23): round 1 on entering `round1`,
// round 2 on the `dkls23_keygen_round1` relay, the finish and the confirmation on the
// `dkls23_keygen_round2` relay. Each round's state is sealed in the keystore with the submission
// made from it BEFORE that submission goes out, so a restarted agent resubmits the same messages
// (never fresh secrets for a round already sent); the server answers a repeat with
// ALREADY_SUBMITTED or WRONG_PHASE.
import { bytesToHex } from '../../protocol/encoding.js';
import { keyShareFromRecord, keyShareToRecord } from '../../protocol/dkls23/key-share.js';
import {
  keygenFinish,
  keygenRound1,
  keygenRound2,
  type DklsKeyShare,
} from '../../protocol/dkls23/keygen.js';
import { keygenStateFromRecord, keygenStateToRecord } from '../../protocol/dkls23/keygen-state.js';
import { sealKeyShare } from '../../protocol/dkls23/sessions/escrow.js';
import {
  directRound,
  keygenSid,
  KeygenRound1RelaySchema,
  KeygenRound2RelaySchema,
  type KeygenConfirmSubmission,
  type KeygenRound1Submission,
  type KeygenRound2Submission,
} from '../../protocol/dkls23/sessions/messages.js';
import {
  KeygenBroadcast1Schema,
  KeygenDirect1Codec,
  KeygenDirect2Codec,
  toWire,
} from '../../protocol/dkls23/wire.js';
import type { KeygenInvite } from '../../protocol/session-events.js';
import type { AgentContext } from './context.js';
import { broadcastsOf, complainOrThrow, directsOf, sealDirect } from './dkls23-relay.js';

const ROUND1 = directRound('keygen/round1');
const ROUND2 = directRound('keygen/round2');

const dropState = (ctx: AgentContext, sessionId: string) => () =>
  ctx.keystore.remove('dkls-keygen', sessionId);

/** `round1` began: make (once) and submit our commitments, proof and set-up starts. */
export async function startDklsKeygen(ctx: AgentContext, invite: KeygenInvite): Promise<void> {
  const { sessionId } = invite;
  const saved = ctx.records.dklsKeygen(sessionId);
  if (saved) {
    if (saved.state.step === 1) await ctx.submit(sessionId, saved.submitted);
    return;
  }
  if (ctx.records.dklsKeyShare(sessionId)) return; // already finished
  const { state, broadcast, direct } = keygenRound1({
    sid: keygenSid(sessionId, invite.t, invite.participants),
    threshold: invite.t,
    parties: invite.n,
    self: invite.partIndex,
  });
  const submission: KeygenRound1Submission = {
    kind: 'dkls23_keygen_round1',
    broadcast: toWire(broadcast),
    direct: sealDirect(ctx, invite, ROUND1, KeygenDirect1Codec, direct),
  };
  ctx.records.putDklsKeygen(sessionId, {
    state: keygenStateToRecord(state),
    submitted: submission,
  });
  await ctx.submit(sessionId, submission);
}

/** Everyone's round 1 is in: check it all (a bad message → complaint), answer with round 2. */
export async function onDklsKeygenRound1(
  ctx: AgentContext,
  invite: KeygenInvite,
  payload: unknown,
): Promise<void> {
  const { sessionId } = invite;
  const relay = KeygenRound1RelaySchema.parse(payload);
  const saved = ctx.records.dklsKeygen(sessionId);
  if (!saved) return; // finished (or the state is lost: nothing we can add)
  if (saved.state.step === 2) {
    await ctx.submit(sessionId, saved.submitted); // replayed after round 2
    return;
  }
  const stored = keygenStateFromRecord(saved.state);
  if (stored.step !== 1) return;
  let round2;
  try {
    const broadcasts = broadcastsOf(invite, relay.broadcasts, KeygenBroadcast1Schema);
    const directs = directsOf(ctx, invite, ROUND1, relay.messages, KeygenDirect1Codec);
    round2 = keygenRound2(stored.state, broadcasts, directs);
  } catch (err) {
    return complainOrThrow(ctx, invite, err, dropState(ctx, sessionId));
  }
  const submission: KeygenRound2Submission = {
    kind: 'dkls23_keygen_round2',
    direct: sealDirect(ctx, invite, ROUND2, KeygenDirect2Codec, round2.direct),
  };
  ctx.records.putDklsKeygen(sessionId, {
    state: keygenStateToRecord(round2.state),
    submitted: submission,
  });
  await ctx.submit(sessionId, submission);
}

/** Our round-2 messages are in: finish (a bad share → complaint), keep the share, confirm. */
export async function onDklsKeygenRound2(
  ctx: AgentContext,
  invite: KeygenInvite,
  payload: unknown,
): Promise<void> {
  const { sessionId } = invite;
  const relay = KeygenRound2RelaySchema.parse(payload);
  const saved = ctx.records.dklsKeygen(sessionId);
  const stored = saved ? keygenStateFromRecord(saved.state) : undefined;
  if (stored?.step !== 2) {
    const done = ctx.records.dklsKeyShare(sessionId);
    if (done) await confirm(ctx, invite, keyShareFromRecord(done.share)); // replay after the finish
    return;
  }
  let share: DklsKeyShare;
  try {
    const directs = directsOf(ctx, invite, ROUND2, relay.messages, KeygenDirect2Codec);
    share = keygenFinish(stored.state, directs);
  } catch (err) {
    return complainOrThrow(ctx, invite, err, dropState(ctx, sessionId));
  }
  // The key share is safe on disk before the round state (the polynomial) goes for good.
  ctx.records.putDklsKeyShare(sessionId, { share: keyShareToRecord(share) });
  ctx.keystore.remove('dkls-keygen', sessionId);
  await confirm(ctx, invite, share);
}

async function confirm(ctx: AgentContext, invite: KeygenInvite, share: DklsKeyShare) {
  const submission: KeygenConfirmSubmission = {
    kind: 'dkls23_confirm',
    groupPublicKey: bytesToHex(share.groupKey.toBytes()),
    verifyingShare: bytesToHex(share.verifyingShares[share.self - 1]!.toBytes()),
    escrow: sealKeyShare({
      sessionId: invite.sessionId,
      participant: ctx.name,
      identityPublicKey: ctx.identityKey,
      share,
    }),
  };
  await ctx.submit(invite.sessionId, submission);
}

/** The keygen ended: a completed one files our share under its key id; any end drops the rest. */
export function onDklsKeygenEnded(
  ctx: AgentContext,
  sessionId: string,
  keyId: string | undefined,
): void {
  const done = ctx.records.dklsKeyShare(sessionId);
  if (done && keyId) {
    ctx.records.putDklsKey({ keyId, keygenSessionId: sessionId, share: done.share });
    ctx.emit({ type: 'key_stored', keyId, groupPublicKey: done.share.groupKey });
  }
  ctx.keystore.remove('dkls-key-share', sessionId);
  ctx.keystore.remove('dkls-keygen', sessionId);
}
