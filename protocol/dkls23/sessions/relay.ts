/**
 * The shape every DKLs23 round with sealed messages shares: the submission stores the member's
 * broadcast (if the round has one) and its messages sealed to each other member; the settled
 * round relays to each member the broadcasts and what was sealed to it, then forgets the sealed
 * messages (they are in the relay events; the snapshot need not keep them).
 *
 * @module
 */
import { encryptedDirectOf } from '../../e2e.js';
import type { JsonObject, Participant, SessionContextBase } from '../../session/common.js';
import type { EventSpec, Settlement } from '../../session/description.js';
import type { Rejection } from '../../session/rejection.js';
import { inIndexOrder, withEntry } from '../../session/participants.js';
import { sealedRelays } from '../../session/sealed-relays.js';
import { submission } from '../../session/submission.js';

/** The envelope of a round's sealed messages: nonce(24) ‖ ciphertext(`bytes`) ‖ tag(16). */
const envelopeOf = (bytes: number) => ({
  schema: encryptedDirectOf(bytes),
  layout: `a sealed message here is nonce(24) ‖ ciphertext(${bytes}) ‖ tag(16)`,
});

export interface SealedRoundContext extends SessionContextBase<string, string> {
  /** sender → recipient → ciphertext, of the current round */
  direct: Record<string, Record<string, string>>;
}

interface SealedEvent {
  type: string;
  participant: string;
  at: number;
  direct: Record<string, string>;
  broadcast?: JsonObject;
}

/** Every member's broadcast of a round, in index order. */
export const broadcastsOf = (
  context: { participants: readonly Participant[] },
  round: Record<string, JsonObject>,
) =>
  inIndexOrder(context, round).map(({ name, index, value }) => ({ name, index, broadcast: value }));

export function relayRound<TContext extends SealedRoundContext>(
  context: TContext,
  type: string,
  extra: Record<string, unknown>,
): Settlement<TContext> {
  return {
    next: sealedRelays(context, context.direct, type, 'messages', extra),
    forget: { direct: {} } as Partial<TContext>,
  };
}

/** A round's submission: sealed messages to every other member, and the broadcast in `into`. */
export function sealedSubmission<
  TContext extends SealedRoundContext,
  TEvent extends SealedEvent,
>(options: {
  phase: string;
  done: string;
  round: string;
  /** The exact size of the round's packed messages (`wire.ts` codecs). */
  messageBytes: number;
  /** The context field holding the round's broadcasts, if the round has them. */
  into?: keyof TContext & string;
  first?(context: TContext, event: TEvent): Rejection | null;
}): EventSpec<TContext, TEvent> {
  const { into } = options;
  return submission<TContext, TEvent>({
    phase: options.phase,
    done: options.done,
    what: `its ${options.round} messages`,
    ...(options.first ? { first: options.first } : {}),
    store: (context, event) =>
      ({
        ...(into
          ? {
              [into]: withEntry(
                context[into] as Record<string, JsonObject>,
                event.participant,
                event.broadcast!,
              ),
            }
          : {}),
        direct: withEntry(context.direct, event.participant, event.direct),
      }) as Partial<TContext>,
    pointToPoint: {
      payloads: (event) => event.direct,
      what: `${options.round} message`,
      envelope: envelopeOf(options.messageBytes),
    },
  });
}
