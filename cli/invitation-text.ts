import type { Invitation } from '../client/participant/index.js';
import { nameList } from './progress-format.js';

const MAX_MESSAGE_HEX = 64;

/** One line describing an invitation, for the operator who approves it. */
export function describeInvitation(invite: Invitation): string {
  const others = nameList(invite.participants.map((p) => p.name));
  if (invite.kind === 'keygen') {
    const label = invite.label ? ` "${invite.label}"` : '';
    return `keygen ${invite.sessionId} from ${invite.coordinator}: ${invite.t}-of-${invite.n} ${invite.scheme} key${label} with ${others}`;
  }
  if (invite.kind === 'destroy') {
    return `destroy ${invite.sessionId} from ${invite.coordinator}: delete your share of ${invite.scheme} key ${invite.keyId} (epoch ${invite.epoch}, held with ${others}); this cannot be undone`;
  }
  const bytes = invite.message.length / 2;
  const shown =
    invite.message.length > MAX_MESSAGE_HEX
      ? `${invite.message.slice(0, MAX_MESSAGE_HEX)}…`
      : invite.message;
  return `sign ${invite.sessionId} from ${invite.coordinator}: key ${invite.keyId}, ${bytes}-byte message ${shown || '(empty)'} with ${others}`;
}
