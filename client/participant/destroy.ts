// A key's destruction (docs/lifecycle.md, Destroy): once the server says `destroying`, delete our
// share of the key durably, then sign that we did with our identity key and say so. Replayed after
// a crash it deletes again (nothing left) and answers again (the same deterministic signature).
import { signMessage } from '../../protocol/ecdsa/sign.js';
import { bytesToHex } from '../../protocol/encoding.js';
import { destroyStatement } from '../../protocol/lifecycle/destroy-statement.js';
import type { DestroyInvite } from '../../protocol/session-events.js';
import type { AgentContext } from './context.js';
import type { RecordKind } from './keystore.js';

/** Where a share of a key may be: filed under the key id, or still under its keygen session. */
const SHARE_RECORDS: ReadonlyArray<{ kind: RecordKind; id: (invite: DestroyInvite) => string }> = [
  { kind: 'key', id: (invite) => invite.keyId },
  { kind: 'dkls-key', id: (invite) => invite.keyId },
  { kind: 'keygen-share', id: (invite) => invite.keygenSessionId },
  { kind: 'dkls-key-share', id: (invite) => invite.keygenSessionId },
];

export async function onDestroying(ctx: AgentContext, invite: DestroyInvite): Promise<void> {
  for (const { kind, id } of SHARE_RECORDS) ctx.keystore.remove(kind, id(invite));
  ctx.log.info({ sessionId: invite.sessionId, keyId: invite.keyId }, 'key share deleted');
  ctx.emit({ type: 'key_destroyed', keyId: invite.keyId, sessionId: invite.sessionId });
  const signature = signMessage(
    ctx.identitySecretKey,
    destroyStatement(invite.keyId, invite.epoch),
  );
  await ctx.submit(invite.sessionId, { kind: 'key_destroyed', signature: bytesToHex(signature) });
}
