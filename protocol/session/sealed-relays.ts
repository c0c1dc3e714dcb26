/**
 * The relay of a point-to-point round: one notification per member carrying what every other
 * member sealed to it, in sender index order (`{ from, fromIndex, ciphertext }` under `field`),
 * plus whatever else the round delivers to everyone (`extra`).
 *
 * @module
 */
import type { Participant } from './common.js';
import type { AnyNotification } from './description.js';
import { direct } from './notifications.js';
import { inIndexOrder } from './participants.js';

export function sealedRelays(
  context: { sessionId: string; participants: readonly Participant[] },
  /** sender → recipient → ciphertext */
  sealed: Record<string, Record<string, string>>,
  type: string,
  field: string,
  extra: Record<string, unknown> = {},
): AnyNotification[] {
  const senders = inIndexOrder(context, sealed);
  return context.participants.map((recipient) => {
    const messages = senders.flatMap(({ name, index, value }) => {
      const ciphertext = value[recipient.name];
      return ciphertext === undefined ? [] : [{ from: name, fromIndex: index, ciphertext }];
    });
    return direct(type, recipient.name, {
      sessionId: context.sessionId,
      ...extra,
      [field]: messages,
    });
  });
}
