/**
 * Why a session refuses an event: the rules every session shares (RESPOND, FAIL, TIMEOUT,
 * ABORT) and the protocol's own, in one table the machine's guards and `explainRejection`
 * both read — so a transition is taken exactly when `explainRejection` returns null.
 *
 * @module
 */
import type { TimedEvent } from '../protocol/session/common.js';
import type { AnyContext, AnySessionProtocol } from '../protocol/session/description.js';
import {
  commonRules,
  explainWith,
  type EventRules,
  type Rejection,
  type SnapshotLike,
} from '../protocol/session/rejection.js';

const cache = new WeakMap<AnySessionProtocol, EventRules<AnyContext, TimedEvent>>();

/** The protocol's rules with the shared ones (computed once per protocol). */
export function sessionRules(protocol: AnySessionProtocol): EventRules<AnyContext, TimedEvent> {
  let rules = cache.get(protocol);
  if (!rules) {
    rules = { ...commonRules<AnyContext>(), ...protocol.events } as EventRules<
      AnyContext,
      TimedEvent
    >;
    cache.set(protocol, rules);
  }
  return rules;
}

/**
 * Why `event` would be refused in `snapshot` (live or persisted) of a session running
 * `protocol`, or `null` if the machine takes it. Call it before `actor.send`.
 */
export function explainFor(
  protocol: AnySessionProtocol,
  snapshot: SnapshotLike<AnyContext>,
  event: TimedEvent,
): Rejection | null {
  return explainWith(sessionRules(protocol), snapshot, event);
}
