/**
 * Actions and guards both machines register in `setup()` under the same names, so the shared
 * state-config fragments in `session-states.ts` can refer to them. The machine-specific parts
 * (the invitation, extra `phase_changed` fields, the public result) come in as hooks.
 *
 * @module
 */
import { assign, emit, enqueueActions, type EventObject } from 'xstate';
import type {
  AbortEvent,
  FailEvent,
  Participant,
  RespondEvent,
  SessionContextBase,
  TerminalState,
  TimeoutEvent,
} from './common.js';
import { abortedBy, failedBy, rejectedBy, timedOut } from './lifecycle.js';
import {
  participantAnswered,
  phaseChanged,
  terminalNotification,
  type ParticipantAnsweredNotification,
  type PhaseChangedNotification,
  type TerminalNotification,
} from './notifications.js';
import { markStatus } from './participants.js';
import { enterPhase } from './phase.js';
import { checkEvent, type EventRules } from './rejection.js';

type AnyContext = SessionContextBase<string, string>;

/** Every event from outside carries the runtime's clock. */
export interface TimedEvent extends EventObject {
  at: number;
}

export interface SessionHooks<
  TContext extends AnyContext,
  TInvite extends EventObject,
  TExtra,
  TResult,
> {
  /** The invitation for one participant (recipient = that participant). */
  invite: (context: TContext, participant: Participant) => TInvite;
  /** Extra fields for `phase_changed` (e.g. the signing `commitRound`). */
  phaseExtra: (context: TContext) => TExtra;
  /** What `session_completed` announces; never anything private. */
  publicResult: (context: TContext) => TResult | null;
}

/** Notifications the shared actions emit. */
export type SessionNotification<TPhase extends string, TInvite, TExtra, TResult> =
  | TInvite
  | ParticipantAnsweredNotification
  | PhaseChangedNotification<TPhase, TExtra>
  | TerminalNotification<TResult>;

/** Narrows a machine event inside a named action whose transition fixes its type. */
export function eventOf<TEvent extends EventObject, TType extends TEvent['type']>(
  event: EventObject,
  type: TType,
): Extract<TEvent, { type: TType }> {
  if (event.type !== type) throw new Error(`expected ${type}, got ${event.type}`);
  return event as Extract<TEvent, { type: TType }>;
}

export function sessionActions<
  TContext extends AnyContext,
  TEvent extends TimedEvent,
  TInvite extends EventObject,
  TExtra,
  TResult,
>(hooks: SessionHooks<TContext, TInvite, TExtra, TResult>) {
  type Emitted = SessionNotification<TContext['phase'], TInvite, TExtra, TResult>;
  // The patches below only touch SessionContextBase fields; TS cannot see that they fit a
  // generic TContext, hence the one cast.
  const patch = (fields: Partial<AnyContext>) => fields as Partial<TContext>;
  // Inside a generic function every type argument must be spelled out; name them once.
  const collect = enqueueActions<
    TContext,
    TEvent,
    undefined,
    TEvent,
    never,
    never,
    never,
    never,
    Emitted
  >;
  const update = assign<TContext, TEvent, undefined, TEvent, never>;
  return {
    sendInvites: collect(({ context, enqueue }) => {
      for (const participant of context.participants) {
        enqueue.emit(hooks.invite(context, participant));
      }
    }),
    startPhase: assign<TContext, TEvent, { phase: TContext['phase'] }, TEvent, never>(
      ({ context, event }, { phase }) => patch(enterPhase(context, phase, event.at)),
    ),
    announcePhase: emit<TContext, TEvent, undefined, TEvent, Emitted>(({ context }) =>
      phaseChanged(context, hooks.phaseExtra(context)),
    ),
    recordAnswer: collect(({ context, event, enqueue }) => {
      const { participant, accept, reason } = eventOf<RespondEvent, 'RESPOND'>(event, 'RESPOND');
      const marked = markStatus(context, participant, accept ? 'accepted' : 'rejected', 'accepted');
      enqueue.assign(patch(marked));
      enqueue.emit(participantAnswered({ ...context, ...marked }, participant, accept, reason));
    }),
    recordRejection: update(({ context, event }) =>
      patch(rejectedBy(context, eventOf<RespondEvent, 'RESPOND'>(event, 'RESPOND'))),
    ),
    recordFailure: update(({ context, event }) =>
      patch(failedBy(context, eventOf<FailEvent, 'FAIL'>(event, 'FAIL'))),
    ),
    recordTimeout: update(({ context, event }) =>
      patch(timedOut(context, eventOf<TimeoutEvent, 'TIMEOUT'>(event, 'TIMEOUT'))),
    ),
    recordAbort: update(({ context, event }) =>
      patch(abortedBy(context, eventOf<AbortEvent, 'ABORT'>(event, 'ABORT'))),
    ),
    announceEnd: emit<TContext, TEvent, { state: TerminalState }, TEvent, Emitted>(
      ({ context }, { state }) => terminalNotification(context, state, hooks.publicResult(context)),
    ),
  };
}

export function sessionGuards<TContext extends AnyContext, TEvent extends TimedEvent>(
  rules: EventRules<TContext, TEvent>,
) {
  type Args = { context: TContext; event: TEvent };
  const acceptable = ({ context, event }: Args) => checkEvent(rules, context, event) === null;
  return {
    /** The rule's context check passes (the phase is given by where the transition sits). */
    acceptable,
    /** An acceptable RESPOND that declines. */
    declinesInvitation: (args: Args) =>
      acceptable(args) && eventOf<RespondEvent, 'RESPOND'>(args.event, 'RESPOND').accept === false,
    /** Everyone delivered what the current phase asks for. */
    nobodyOwed: ({ context }: Args) => context.waitingFor.length === 0,
  };
}
