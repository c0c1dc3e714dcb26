// Registers the identity key with proof of possession (participant.challenge → sign → register).
// Registering the key already on file is a no-op for the server, so the agent does it on every start.
import { bytesToHex } from '../../protocol/encoding.js';
import { signMessage } from '../../protocol/ecdsa/sign.js';
import { identityProofMessage } from '../../protocol/sessions.js';
import type { AgentContext } from './context.js';

export async function registerIdentity(
  ctx: Pick<AgentContext, 'client' | 'name' | 'identityKey' | 'identitySecretKey' | 'call'>,
): Promise<void> {
  const { challenge } = await ctx.call(() => ctx.client.participant.challenge.mutate());
  const proof = identityProofMessage(ctx.name, ctx.identityKey, challenge);
  const signature = bytesToHex(signMessage(ctx.identitySecretKey, proof));
  await ctx.call(() =>
    ctx.client.participant.register.mutate({ identityKey: ctx.identityKey, challenge, signature }),
  );
}
