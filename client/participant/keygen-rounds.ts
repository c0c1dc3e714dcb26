// The DKG as a participant (docs/protocol.md §3): round 1 on entering `round1`, round 2 on
// `round1_packages`, round 3 + confirmation on `round2_shares`. The secret state is sealed in
// the keystore between rounds, so a restarted agent continues where it stopped; every step can
// be replayed (the server answers a repeat with ALREADY_SUBMITTED or WRONG_PHASE).
import { decryptShare, encryptEscrow, encryptShare } from '../../protocol/e2e.js';
import {
  dkgRound1,
  dkgRound2,
  dkgRound3,
  FrostError,
  type IndexMap,
  type KeyShare,
} from '../../protocol/frost/index.js';
import {
  Round1PackagesSchema,
  Round2SharesSchema,
  type KeygenInvite,
} from '../../protocol/session-events.js';
import type { AgentContext } from './context.js';
import { frostScheme } from './signing-key.js';
import { checkTranscript } from './transcript.js';

const memberAt = (invite: KeygenInvite, index: number) => {
  const member = invite.participants.find((p) => p.index === index);
  if (!member) {
    throw new FrostError(
      'INVALID_INPUT',
      `keygen ${invite.sessionId} has no participant with index ${index}`,
    );
  }
  return member;
};

const memberNamed = (invite: KeygenInvite, name: string) =>
  invite.participants.find((p) => p.name === name);

/** `round1` began: make (once) and submit our commitments and proof of knowledge. */
export async function startRound1(ctx: AgentContext, invite: KeygenInvite): Promise<void> {
  const { sessionId } = invite;
  let state = ctx.records.dkg(sessionId);
  if (!state) {
    if (ctx.records.keygenShare(sessionId)) return; // already past round 3
    const scheme = frostScheme(invite.scheme, sessionId);
    state = dkgRound1(scheme, invite.partIndex, invite.t, invite.n).secretState;
    ctx.records.putDkg(sessionId, state);
  }
  if (state.step === 1) await ctx.submit(sessionId, { kind: 'round1', package: state.package });
}

/** All round-1 packages are in: check them, then send each other participant its share, encrypted to it. */
export async function onRound1Packages(
  ctx: AgentContext,
  invite: KeygenInvite,
  payload: unknown,
): Promise<void> {
  const { sessionId } = invite;
  const event = Round1PackagesSchema.parse(payload);
  const state = ctx.records.dkg(sessionId);
  if (!state) return; // round 3 done (or the secret state is lost: nothing we can add)
  for (const p of event.packages) {
    if (memberAt(invite, p.index).name !== p.name) {
      throw new FrostError(
        'INVALID_PARTICIPANTS',
        `round-1 package of ${p.name} relayed under index ${p.index}`,
      );
    }
  }
  checkTranscript(sessionId, event);
  const all: IndexMap<unknown> = Object.fromEntries(
    event.packages.map((p) => [p.index, p.package]),
  );
  const { secretState, sharesFor } = dkgRound2(state, all);
  ctx.records.putDkg(sessionId, secretState);
  const shares: Record<string, string> = {};
  for (const [index, share] of Object.entries(sharesFor)) {
    const recipient = memberAt(invite, Number(index));
    shares[recipient.name] = encryptShare({
      sessionId,
      sender: ctx.name,
      recipient: recipient.name,
      senderSecretKey: ctx.identitySecretKey,
      recipientPublicKey: recipient.identityKey,
      share,
    });
  }
  await ctx.submit(sessionId, { kind: 'round2', shares });
}

/** Our shares arrived: decrypt and verify each (a bad one → complaint), derive the key share, confirm. */
export async function onRound2Shares(
  ctx: AgentContext,
  invite: KeygenInvite,
  payload: unknown,
): Promise<void> {
  const { sessionId } = invite;
  const event = Round2SharesSchema.parse(payload);
  const state = ctx.records.dkg(sessionId);
  if (!state?.round1) {
    const done = ctx.records.keygenShare(sessionId);
    if (done) await confirm(ctx, invite, done.share); // replay after round 3
    return;
  }
  const received: IndexMap<string> = {};
  for (const s of event.shares) {
    const sender = memberNamed(invite, s.from);
    if (!sender || sender.index !== s.fromIndex) {
      return complain(ctx, sessionId, s.from, `share relayed from unknown sender ${s.from}`);
    }
    try {
      received[sender.index] = decryptShare({
        sessionId,
        sender: sender.name,
        recipient: ctx.name,
        recipientSecretKey: ctx.identitySecretKey,
        senderPublicKey: sender.identityKey,
        ciphertext: s.ciphertext,
      });
    } catch (err) {
      return complain(
        ctx,
        sessionId,
        sender.name,
        `share does not decrypt: ${(err as Error).message}`,
      );
    }
  }
  let output;
  try {
    output = dkgRound3(state, state.round1, received);
  } catch (err) {
    if (err instanceof FrostError && err.culprits.length > 0) {
      const accused = memberAt(invite, err.culprits[0]!).name;
      return complain(ctx, sessionId, accused, `share fails verification: ${err.message}`);
    }
    throw err;
  }
  const { verifyingShares: _all, ...share } = output;
  // The key share is safe on disk before the polynomial goes; then the polynomial goes for good.
  ctx.records.putKeygenShare(sessionId, { share });
  ctx.keystore.remove('dkg', sessionId);
  await confirm(ctx, invite, share);
}

async function confirm(ctx: AgentContext, invite: KeygenInvite, share: KeyShare): Promise<void> {
  const escrow = encryptEscrow({
    sessionId: invite.sessionId,
    participant: ctx.name,
    identityPublicKey: ctx.identityKey,
    keyShare: share,
  });
  await ctx.submit(invite.sessionId, {
    kind: 'confirm',
    groupPublicKey: share.groupPublicKey,
    verifyingShare: share.verifyingShare,
    escrow,
  });
}

async function complain(
  ctx: AgentContext,
  sessionId: string,
  accused: string,
  reason: string,
): Promise<void> {
  ctx.log.warn({ sessionId, accused, reason }, 'complaining about a round-2 share');
  ctx.keystore.remove('dkg', sessionId);
  await ctx.submit(sessionId, { kind: 'complaint', accused, reason: reason.slice(0, 500) });
}

/** The keygen ended: a completed one files our share under its key id; any end drops the DKG state. */
export function onKeygenEnded(
  ctx: AgentContext,
  sessionId: string,
  keyId: string | undefined,
): void {
  const done = ctx.records.keygenShare(sessionId);
  if (done && keyId) {
    ctx.records.putKey({ keyId, keygenSessionId: sessionId, share: done.share });
    ctx.emit({ type: 'key_stored', keyId, groupPublicKey: done.share.groupPublicKey });
  }
  ctx.keystore.remove('keygen-share', sessionId);
  ctx.keystore.remove('dkg', sessionId);
}
