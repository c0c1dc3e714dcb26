// DKLs23 signing as a participant (docs/participant.md, DKLs23): round 1 when an attempt starts
// (`phase_changed{round1}` or `dkls23_sign_restarted`), round 2 on the `dkls23_sign_round1`
// relay, round 3 on `dkls23_sign_round2`; the server combines. The signing state lives in memory
// only (ctx.dklsSignings, docs/dkls23.md): the session record notes, durably and before round 1
// goes out, that the attempt was started, so after a crash the agent reports the attempt's
// secrets lost (`dkls23_secrets_lost`) instead of making fresh ones for a round 1 the server may
// already hold. The server then starts a new attempt, with a new sid.
import type { z } from 'zod';
import { hexToBytes } from '../../protocol/encoding.js';
import {
  directRound,
  signingCallerSid,
  SignRelaySchema,
  type SecretsLostSubmission,
  type SignRelay,
  type SignRound1Submission,
  type SignRound2Submission,
  type SignRound3Submission,
} from '../../protocol/dkls23/sessions/messages.js';
import { signRound1, signRound2, signRound3 } from '../../protocol/dkls23/signing.js';
import {
  SignBroadcast1Schema,
  SignBroadcast2Schema,
  SignDirect1Codec,
  SignDirect2Codec,
  toWire,
  type PackedCodec,
} from '../../protocol/dkls23/wire.js';
import type { SignInvite } from '../../protocol/session-events.js';
import type { AgentContext, DklsSigning } from './context.js';
import { broadcastsOf, complainOrThrow, directsOf, sealDirect } from './dkls23-relay.js';
import type { SessionRecord } from './records.js';
import { dklsSigningKey } from './signing-key.js';

type SignRecord = Extract<SessionRecord, { kind: 'sign' }>;

const paramsOf = (invite: SignInvite, attempt: number) => ({
  sid: signingCallerSid(invite.sessionId, attempt),
  signers: invite.participants.map((p) => p.index).sort((a, b) => a - b),
  digest: hexToBytes(invite.message),
});

async function secretsLost(ctx: AgentContext, sessionId: string, attempt: number) {
  ctx.log.warn({ sessionId, attempt }, 'signing secrets lost: asking for a new attempt');
  const submission: SecretsLostSubmission = { kind: 'dkls23_secrets_lost', attempt };
  await ctx.submit(sessionId, submission);
}

/** Start `attempt`: round 1 with fresh secrets, once; an attempt started before and lost is reported. */
export async function startDklsAttempt(
  ctx: AgentContext,
  record: SignRecord,
  attempt: number,
): Promise<void> {
  const { invite } = record;
  const { sessionId } = invite;
  const live = ctx.dklsSignings.get(sessionId);
  if (live && live.attempt >= attempt) return; // submitted already (or a newer attempt runs)
  ctx.dklsSignings.delete(sessionId); // a newer attempt supersedes the one under way
  const started = record.committedRound ?? 0;
  if (attempt < started) return; // an older attempt than one we started: stale
  if (attempt === started) return secretsLost(ctx, sessionId, attempt);
  const key = dklsSigningKey(ctx, invite);
  const { state, broadcast, direct } = signRound1(key, paramsOf(invite, attempt));
  // On disk before round 1 can reach the server: this attempt never gets a second round 1.
  ctx.records.putSession(sessionId, { ...record, committedRound: attempt });
  ctx.dklsSignings.set(sessionId, { attempt, step: 1, state });
  const submission: SignRound1Submission = {
    kind: 'dkls23_sign_round1',
    attempt,
    broadcast: toWire(broadcast),
    direct: sealDirect(ctx, invite, directRound('sign/round1', attempt), SignDirect1Codec, direct),
  };
  if (await ctx.submit(sessionId, submission)) return;
  // Refused: the server may hold another round 1 of this attempt (from before a keystore was
  // lost or restored), which these secrets cannot open. Never go on with them: a new attempt.
  ctx.dklsSignings.delete(sessionId);
  await secretsLost(ctx, sessionId, attempt);
}

/**
 * The attempt under way at `step` that a relay of `relay.attempt` continues; undefined when
 * there is none (reported lost if we started that attempt, ignored otherwise).
 */
async function liveFor(
  ctx: AgentContext,
  record: SignRecord,
  relay: SignRelay,
  step: DklsSigning['step'],
): Promise<DklsSigning | undefined> {
  const { sessionId } = record.invite;
  const live = ctx.dklsSignings.get(sessionId);
  if (live?.attempt === relay.attempt) {
    if (live.step === step) return live;
    ctx.log.warn({ sessionId, attempt: relay.attempt, step }, 'relay out of step: ignored');
    return undefined;
  }
  if (live && live.attempt > relay.attempt) return undefined; // an older attempt's relay
  ctx.dklsSignings.delete(sessionId); // an older attempt's state, superseded
  if (relay.attempt === (record.committedRound ?? 0)) {
    await secretsLost(ctx, sessionId, relay.attempt);
  }
  return undefined;
}

type StateAt<S extends DklsSigning['step']> = Extract<DklsSigning, { step: S }>['state'];

/**
 * A relay of round `step` for the attempt under way: its broadcasts and the messages sealed to
 * us parsed, then `next` run on them. A failure that names a signer becomes a complaint (and the
 * attempt's state goes): then, and when no attempt continues, undefined.
 */
async function continueWith<S extends DklsSigning['step'], B extends z.ZodType, D, T>(
  ctx: AgentContext,
  record: SignRecord,
  payload: unknown,
  step: S,
  schemas: { broadcast: B; direct: PackedCodec<D> },
  next: (state: StateAt<S>, broadcasts: Map<number, z.output<B>>, directs: Map<number, D>) => T,
): Promise<{ attempt: number; out: T } | undefined> {
  const { invite } = record;
  const relay = SignRelaySchema.parse(payload);
  const live = await liveFor(ctx, record, relay, step);
  if (!live) return undefined;
  const round = directRound(step === 1 ? 'sign/round1' : 'sign/round2', relay.attempt);
  try {
    const broadcasts = broadcastsOf(invite, relay.broadcasts, schemas.broadcast);
    const directs = directsOf(ctx, invite, round, relay.messages, schemas.direct);
    // liveFor checked live.step === step, which TS cannot carry over to the generic S.
    return { attempt: relay.attempt, out: next(live.state as StateAt<S>, broadcasts, directs) };
  } catch (err) {
    await complainOrThrow(ctx, invite, err, () => ctx.dklsSignings.delete(invite.sessionId));
    return undefined;
  }
}

/** Everyone's round 1 is in: round 2. */
export async function onDklsSignRound1(
  ctx: AgentContext,
  record: SignRecord,
  payload: unknown,
): Promise<void> {
  const { invite } = record;
  const { sessionId } = invite;
  const schemas = { broadcast: SignBroadcast1Schema, direct: SignDirect1Codec };
  const done = await continueWith(ctx, record, payload, 1, schemas, signRound2);
  if (!done) return;
  const { attempt, out } = done;
  ctx.dklsSignings.set(sessionId, { attempt, step: 2, state: out.state });
  const submission: SignRound2Submission = {
    kind: 'dkls23_sign_round2',
    attempt,
    broadcast: toWire(out.broadcast),
    direct: sealDirect(
      ctx,
      invite,
      directRound('sign/round2', attempt),
      SignDirect2Codec,
      out.direct,
    ),
  };
  await ctx.submit(sessionId, submission);
}

/** Everyone's round 2 is in: round 3, after which the attempt's secrets are gone. */
export async function onDklsSignRound2(
  ctx: AgentContext,
  record: SignRecord,
  payload: unknown,
): Promise<void> {
  const { sessionId } = record.invite;
  const schemas = { broadcast: SignBroadcast2Schema, direct: SignDirect2Codec };
  const done = await continueWith(ctx, record, payload, 2, schemas, (state, b, d) => {
    try {
      return signRound3(state, b, d);
    } finally {
      // Round 3 took the secrets (SigningSecrets), whatever the outcome: nothing left to run.
      ctx.dklsSignings.delete(sessionId);
    }
  });
  if (!done) return;
  const submission: SignRound3Submission = {
    kind: 'dkls23_sign_round3',
    attempt: done.attempt,
    broadcast: toWire(done.out.broadcast),
  };
  await ctx.submit(sessionId, submission);
}
