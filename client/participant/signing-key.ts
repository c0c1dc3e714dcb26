// The key share a sign session needs: from the keystore, else from the escrow blob the sign
// invitation carries (our own share, sealed to our identity key at keygen), which is then put
// back into the keystore. FROST and DKLs23 shares are kept apart (docs/participant.md).
import { keyShareFromRecord, keyShareToRecord } from '../../protocol/dkls23/key-share.js';
import type { DklsKeyShare } from '../../protocol/dkls23/keygen.js';
import { openKeyShare } from '../../protocol/dkls23/sessions/escrow.js';
import { decryptEscrow } from '../../protocol/e2e.js';
import { SigSocketError } from '../../protocol/errors.js';
import { FrostError, type KeyShare } from '../../protocol/frost/index.js';
import type { Scheme } from '../../protocol/frost/schemes.js';
import type { SignInvite } from '../../protocol/session-events.js';
import { isFrostScheme, type ThresholdScheme } from '../../protocol/threshold-schemes.js';
import type { AgentContext } from './context.js';

/** The FROST ciphersuite of a session the FROST handlers run (dispatch routes DKLs23 elsewhere). */
export function frostScheme(scheme: ThresholdScheme, sessionId: string): Scheme {
  if (!isFrostScheme(scheme)) {
    throw new FrostError('INVALID_INPUT', `session ${sessionId} runs ${scheme}, not FROST`);
  }
  return scheme;
}

export class MissingKeyShareError extends SigSocketError<'MISSING_KEY_SHARE'> {
  constructor(message: string) {
    super('MISSING_KEY_SHARE', message);
  }
}

export function signingKey(ctx: AgentContext, invite: SignInvite): KeyShare {
  const local = ctx.records.key(invite.keyId);
  if (local) return local.share;
  if (!invite.escrow) {
    throw new MissingKeyShareError(
      `no key share for key ${invite.keyId} in the keystore and no escrow in the invitation`,
    );
  }
  const { keygenSessionId } = invite;
  const {
    v: _v,
    sessionId: _s,
    ...share
  } = decryptEscrow({
    sessionId: keygenSessionId,
    participant: ctx.name,
    identitySecretKey: ctx.identitySecretKey,
    escrow: invite.escrow,
  });
  if (share.index !== invite.partIndex) {
    throw new MissingKeyShareError(
      `escrow holds the share of index ${share.index}, the invitation says ${invite.partIndex}`,
    );
  }
  ctx.records.putKey({ keyId: invite.keyId, keygenSessionId, share });
  ctx.emit({ type: 'escrow_used', sessionId: invite.sessionId, keyId: invite.keyId });
  ctx.log.info(
    { sessionId: invite.sessionId, keyId: invite.keyId },
    'restored the key share from the escrow',
  );
  return share;
}

/** The DKLs23 key share of a sign invitation: keystore first, else its escrow (then kept). */
export function dklsSigningKey(ctx: AgentContext, invite: SignInvite): DklsKeyShare {
  const local = ctx.records.dklsKey(invite.keyId);
  if (local) return keyShareFromRecord(local.share);
  if (!invite.escrow) {
    throw new MissingKeyShareError(
      `no DKLs23 key share for key ${invite.keyId} in the keystore and no escrow in the invitation`,
    );
  }
  const { keygenSessionId } = invite;
  const share = openKeyShare({
    sessionId: keygenSessionId,
    participant: ctx.name,
    identitySecretKey: ctx.identitySecretKey,
    escrow: invite.escrow,
  });
  if (share.self !== invite.partIndex) {
    throw new MissingKeyShareError(
      `escrow holds the share of index ${share.self}, the invitation says ${invite.partIndex}`,
    );
  }
  ctx.records.putDklsKey({ keyId: invite.keyId, keygenSessionId, share: keyShareToRecord(share) });
  ctx.emit({ type: 'escrow_used', sessionId: invite.sessionId, keyId: invite.keyId });
  ctx.log.info(
    { sessionId: invite.sessionId, keyId: invite.keyId },
    'restored the DKLs23 key share from the escrow',
  );
  return share;
}
