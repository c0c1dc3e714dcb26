// Signing as a participant (docs/protocol.md §4): commit on entering `commitments` (or when the
// round restarts), sign on `signing_package`. Nonces live in the NonceStore: stored before the
// commitments go out, deleted before the share goes out, reported lost when gone.
import { FrostError, signShare, type SigningPackage } from '../../protocol/frost/index.js';
import { SigningPackageEventSchema, type SignInvite } from '../../protocol/session-events.js';
import type { AgentContext } from './context.js';
import type { SessionRecord } from './records.js';
import { frostScheme, signingKey } from './signing-key.js';

type SignRecord = Extract<SessionRecord, { kind: 'sign' }>;

/** Commit for `commitRound`: resubmit this round's commitments if we made them, else make fresh ones once. */
export async function commitFor(
  ctx: AgentContext,
  record: SignRecord,
  commitRound: number,
): Promise<void> {
  const { invite } = record;
  const { sessionId } = invite;
  ctx.nonces.discardOtherRounds(sessionId, commitRound);
  let commitments = ctx.nonces.existing(sessionId, commitRound);
  if (!commitments) {
    // Nonces of this round that are gone were used (or lost): never commit to the round again.
    if (commitRound <= (record.committedRound ?? 0)) return;
    const key = signingKey(ctx, invite);
    const scheme = frostScheme(invite.scheme, sessionId);
    commitments = ctx.nonces.fresh(scheme, key.signingShare, sessionId, commitRound);
    ctx.records.putSession(sessionId, { ...record, committedRound: commitRound });
  }
  await ctx.submit(sessionId, { kind: 'commitments', commitRound, ...commitments });
}

/** Everyone committed: sign with this round's nonces (consumed), or report them lost. */
export async function onSigningPackage(
  ctx: AgentContext,
  invite: SignInvite,
  payload: unknown,
): Promise<void> {
  const event = SigningPackageEventSchema.parse(payload);
  const { sessionId } = invite;
  if (
    event.keyId !== invite.keyId ||
    event.message.toLowerCase() !== invite.message.toLowerCase()
  ) {
    throw new FrostError(
      'INVALID_SIGNING_PACKAGE',
      `signing package of ${sessionId} does not match the invitation (key or message)`,
    );
  }
  const pkg: SigningPackage = {
    message: event.message,
    commitments: Object.fromEntries(
      event.commitments.map((c) => [c.index, { hiding: c.hiding, binding: c.binding }]),
    ),
  };
  const scheme = frostScheme(invite.scheme, sessionId);
  const key = signingKey(ctx, invite);
  // noble refuses a package that lacks or alters our own commitments.
  const share = ctx.nonces.consume(sessionId, event.commitRound, (nonces) =>
    signShare(scheme, key, nonces, pkg),
  );
  if (share === undefined) {
    ctx.log.warn(
      { sessionId, commitRound: event.commitRound },
      'nonces lost: asking for a new commitment round',
    );
    await ctx.submit(sessionId, { kind: 'nonces_lost', commitRound: event.commitRound });
    return;
  }
  await ctx.submit(sessionId, { kind: 'share', commitRound: event.commitRound, share });
}
