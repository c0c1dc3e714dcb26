// The key share a sign session needs: from the keystore, else from the escrow blob the sign
// invitation carries (our own share, sealed to our identity key at keygen), which is then put
// back into the keystore.
import { decryptEscrow } from '../../protocol/e2e.js';
import { SigSocketError } from '../../protocol/errors.js';
import type { KeyShare } from '../../protocol/frost/index.js';
import type { SignInvite } from '../../protocol/session-events.js';
import type { AgentContext } from './context.js';

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
