/**
 * The one session machine: it runs any protocol described by a `SessionProtocol`
 * (`protocol/session/description.ts`). Every session has the same life — `inviting`, the
 * protocol's rounds in order, then one of the final states `completed | rejected | failed |
 * timed_out | aborted` — and the protocol says what each round takes, what it delivers and how
 * the result is formed. The machine is pure: no I/O, no clock, no crypto; the runtime checks
 * every submission before it sends the event and stores what the machine emits.
 *
 * States are built from the description: a round's phase is a state whose transitions are the
 * protocol events accepted in it; a transition is taken exactly when `explainRejection` says
 * nothing against the event (machines/README.md).
 *
 * @module
 */
import {
  enqueueActions,
  setup,
  type EventObject,
  type MetaObject,
  type ParameterizedObject,
  type StateMachine,
  type StateSchema,
} from 'xstate';
import {
  TERMINAL_STATES,
  type AbortEvent,
  type FailEvent,
  type OwnEvent,
  type RespondEvent,
  type SessionInputBase,
  type TerminalState,
  type TimedEvent,
  type TimeoutEvent,
} from '../protocol/session/common.js';
import type {
  AnyContext,
  AnyNotification,
  AnySessionProtocol,
  EventSpec,
  Outcome,
  RoundSpec,
  SessionProtocol,
  Settlement,
} from '../protocol/session/description.js';
import {
  abortedBy,
  completedAt,
  failedBy,
  failedWith,
  rejectedBy,
  timedOut,
} from '../protocol/session/lifecycle.js';
import {
  participantAnswered,
  phaseChanged,
  terminalNotification,
} from '../protocol/session/notifications.js';
import { markStatus, publicParticipants, statusOfAll } from '../protocol/session/participants.js';
import { enterPhase, INVITING } from '../protocol/session/phase.js';
import { checkEvent } from '../protocol/session/rejection.js';
import { sessionRules } from './session-rules.js';

/** A machine for one protocol, typed with that protocol's context, events, input and output. */
export type SessionMachine<
  TContext extends AnyContext,
  TEvent extends EventObject,
  TInput,
  TEmitted extends EventObject,
> = StateMachine<
  TContext,
  TEvent,
  {},
  never,
  ParameterizedObject,
  ParameterizedObject,
  never,
  string,
  string,
  TInput,
  unknown,
  TEmitted,
  MetaObject,
  StateSchema
>;

/** The context every session starts with: everyone invited, the invitation clock running. */
function initialContext(protocol: AnySessionProtocol, input: SessionInputBase): AnyContext {
  const own = protocol.start(input);
  const participants = publicParticipants(protocol.members(input));
  const timeouts = { inviteMs: input.timeouts.inviteMs, roundMs: input.timeouts.roundMs };
  return {
    kind: protocol.kind,
    sessionId: input.sessionId,
    coordinator: input.coordinator,
    scheme: input.scheme,
    threshold: input.threshold,
    participants,
    timeouts,
    status: statusOfAll({ participants }, 'invited'),
    ...enterPhase({ participants, timeouts }, INVITING, input.at),
    createdAt: input.at,
    endedAt: null,
    error: null,
    ...own,
  };
}

type Args = { context: AnyContext; event: TimedEvent };

/** Where an outcome or a settlement leads: the kind of transition the machine takes. */
type Route = 'stay' | 'complete' | 'fail' | `restart:${string}` | 'next' | 'wait';

function routeOf(outcome: Outcome<AnyContext>): Route {
  const then = outcome.then ?? 'stay';
  if (then === 'stay' || then === 'complete') return then;
  return 'fail' in then ? 'fail' : `restart:${then.restart}`;
}

function settlementRoute(settlement: Settlement<AnyContext>): Route {
  if (settlement === 'wait') return 'wait';
  if ('next' in settlement) return 'next';
  return 'complete' in settlement ? 'complete' : 'fail';
}

/**
 * A round's relay goes where the round says: a broadcast to everyone, point to point to
 * members one by one, either of the two in a round that has both, and nothing of a round only
 * the server reads. A description that says one thing and relays another is a bug in it,
 * caught the first time the round settles.
 */
function assertDelivery(round: RoundSpec<AnyContext>, relay: readonly AnyNotification[]): void {
  const allowed = (n: AnyNotification): boolean => {
    switch (round.delivery) {
      case 'broadcast':
        return n.recipient === null;
      case 'point-to-point':
        return n.recipient !== null;
      case 'broadcast-and-point-to-point':
        return true;
      case 'server':
        return false;
    }
  };
  const fits = relay.every(allowed);
  if (!fits) throw new Error(`round ${round.phase} relays what a ${round.delivery} round may not`);
}

/** Builds the XState machine that runs `protocol`. */
export function sessionMachine<
  TContext extends AnyContext,
  TEvent extends TimedEvent,
  TInput extends SessionInputBase,
  TEmitted extends EventObject,
>(
  typed: SessionProtocol<TContext, OwnEvent<TEvent>, TInput>,
): SessionMachine<TContext, TEvent, TInput, TEmitted> {
  // The description is typed for its own context; the machine handles it erased.
  const protocol = typed as unknown as AnySessionProtocol;
  const rules = sessionRules(protocol);
  const specOf = (type: string): EventSpec<AnyContext, TimedEvent> => {
    const spec = (protocol.events as Record<string, EventSpec<AnyContext, TimedEvent>>)[type];
    if (!spec) throw new Error(`${protocol.kind} has no event ${type}`);
    return spec;
  };
  const roundOf = (phase: string) => protocol.rounds.find((r) => r.phase === phase);
  const phaseNames = new Set(protocol.rounds.map((r) => r.phase));
  // One outcome per (context, event): the route guards and the action all ask for it, and both
  // are immutable for the length of one transition.
  const outcomes = new WeakMap<AnyContext, WeakMap<TimedEvent, Outcome<AnyContext>>>();
  const outcomeOf = (context: AnyContext, event: TimedEvent): Outcome<AnyContext> => {
    let byEvent = outcomes.get(context);
    if (!byEvent) outcomes.set(context, (byEvent = new WeakMap()));
    let outcome = byEvent.get(event);
    if (!outcome) {
      outcome = specOf(event.type).apply(context, event);
      const then = outcome.then;
      if (typeof then === 'object' && 'restart' in then && !phaseNames.has(then.restart)) {
        throw new Error(
          `${protocol.kind} ${event.type} restarts ${then.restart}, not one of its rounds`,
        );
      }
      byEvent.set(event, outcome);
    }
    return outcome;
  };
  const acceptable = ({ context, event }: Args) => checkEvent(rules, context, event) === null;
  // Like outcomes: the three settling guards and the action ask once per context.
  const settlements = new WeakMap<AnyContext, Settlement<AnyContext>>();
  const settlement = (context: AnyContext): Settlement<AnyContext> => {
    const known = settlements.get(context);
    if (known) return known;
    const round = roundOf(context.phase);
    if (!round) throw new Error(`${protocol.kind} has no round ${context.phase}`);
    const settled = round.settle(context);
    if (typeof settled === 'object' && 'next' in settled) assertDelivery(round, settled.next);
    settlements.set(context, settled);
    return settled;
  };
  const announce = (context: AnyContext) =>
    phaseChanged(context, protocol.phaseExtra?.(context) ?? {});

  const machine = setup({
    types: {
      context: {} as AnyContext,
      events: {} as TimedEvent,
      input: {} as SessionInputBase,
      emitted: {} as AnyNotification,
    },
    actions: {
      sendInvites: enqueueActions(({ context, enqueue }) => {
        for (const participant of context.participants) {
          enqueue.emit(protocol.invite(context, participant));
        }
      }),
      /** A working phase begins: everyone owes it, its clock starts, everyone hears. */
      startPhase: enqueueActions(({ context, event, enqueue }, params: { phase: string }) => {
        const fields = enterPhase(context, params.phase, event.at);
        enqueue.assign(fields);
        enqueue.emit(announce({ ...context, ...fields }));
      }),
      announceFirstPhase: enqueueActions(({ context, enqueue }) => {
        enqueue.emit(announce(context));
      }),
      recordAnswer: enqueueActions(({ context, event, enqueue }) => {
        const { participant, accept, reason } = event as RespondEvent;
        const marked = markStatus(
          context,
          participant,
          accept ? 'accepted' : 'rejected',
          'accepted',
        );
        enqueue.assign(marked);
        enqueue.emit(participantAnswered({ ...context, ...marked }, participant, accept, reason));
        if (!accept) enqueue.assign(rejectedBy(context, event as RespondEvent));
      }),
      /** A protocol event: its patch and notifications, then how the session ends, if it does. */
      applyEvent: enqueueActions(({ context, event, enqueue }) => {
        const outcome = outcomeOf(context, event);
        if (outcome.assign) enqueue.assign(outcome.assign);
        for (const notification of outcome.emit ?? []) enqueue.emit(notification);
        const then = outcome.then;
        const after = { ...context, ...outcome.assign };
        if (then === 'complete') enqueue.assign(completedAt(event.at));
        else if (typeof then === 'object' && 'fail' in then) {
          enqueue.assign(failedWith(after, event.at, then.fail));
        }
      }),
      /** Nobody owes anything: deliver the round's relay, or complete, or fail. */
      settleRound: enqueueActions(({ context, event, enqueue }) => {
        const settled = settlement(context);
        if (settled === 'wait') return;
        if ('next' in settled) {
          for (const notification of settled.next) enqueue.emit(notification);
          if (settled.forget) enqueue.assign(settled.forget);
        } else if ('complete' in settled) {
          enqueue.assign({ ...settled.complete, ...completedAt(event.at) });
        } else enqueue.assign(failedWith(context, event.at, settled.fail));
      }),
      recordFailure: enqueueActions(({ context, event, enqueue }) => {
        enqueue.assign(failedBy(context, event as FailEvent));
      }),
      recordTimeout: enqueueActions(({ context, event, enqueue }) => {
        enqueue.assign(timedOut(context, event as TimeoutEvent));
      }),
      recordAbort: enqueueActions(({ context, event, enqueue }) => {
        enqueue.assign(abortedBy(context, event as AbortEvent));
      }),
      announceEnd: enqueueActions(({ context, enqueue }, params: { state: TerminalState }) => {
        const result = params.state === 'completed' ? protocol.publicResult(context) : null;
        enqueue.emit(terminalNotification(context, params.state, result));
      }),
    },
    guards: {
      acceptable,
      declines: (args: Args) => acceptable(args) && (args.event as RespondEvent).accept === false,
      nobodyOwed: ({ context }: Args) => context.waitingFor.length === 0,
      /** An acceptable protocol event whose outcome takes this route. */
      leadsTo: (args: Args, params: { route: Route }) =>
        acceptable(args) && routeOf(outcomeOf(args.context, args.event)) === params.route,
      /** Nobody is owed and the round settles this way. */
      settlesAs: ({ context }: Args, params: { route: Route }) =>
        context.waitingFor.length === 0 && settlementRoute(settlement(context)) === params.route,
    },
  });

  type StateConfig = Parameters<typeof machine.createMachine>[0]['states'];
  const phases = protocol.rounds.map((r) => r.phase);

  function roundState(phase: string, next: string | undefined) {
    const events = Object.entries(
      protocol.events as Record<string, EventSpec<AnyContext, TimedEvent>>,
    )
      .filter(([, spec]) => spec.phases.includes(phase))
      .map(([type]) => [type, eventTransitions()] as const);
    return {
      entry: { type: 'startPhase', params: { phase } },
      on: Object.fromEntries(events),
      always: [
        ...(next ? [{ guard: settles('next'), target: next, actions: 'settleRound' }] : []),
        { guard: settles('complete'), target: 'completed', actions: 'settleRound' },
        { guard: settles('fail'), target: 'failed', actions: 'settleRound' },
      ],
    };
  }

  function settles(route: Route) {
    return { type: 'settlesAs', params: { route } } as const;
  }

  /** Transitions of a protocol event, most specific route first. */
  function eventTransitions() {
    const leads = (route: Route) => ({ type: 'leadsTo', params: { route } }) as const;
    return [
      { guard: leads('fail'), target: 'failed', actions: 'applyEvent' },
      { guard: leads('complete'), target: 'completed', actions: 'applyEvent' },
      ...phases.map((phase) => ({
        guard: leads(`restart:${phase}`),
        target: phase,
        reenter: true,
        actions: 'applyEvent',
      })),
      { guard: leads('stay'), actions: 'applyEvent' },
    ];
  }

  const states: Record<string, unknown> = {
    [INVITING]: {
      entry: ['sendInvites', 'announceFirstPhase'],
      on: {
        RESPOND: [
          { guard: 'declines', target: 'rejected', actions: 'recordAnswer' },
          { guard: 'acceptable', actions: 'recordAnswer' },
        ],
      },
      always: { guard: 'nobodyOwed', target: phases[0] },
    },
    ...Object.fromEntries(phases.map((phase, i) => [phase, roundState(phase, phases[i + 1])])),
    ...Object.fromEntries(
      TERMINAL_STATES.map((state) => [
        state,
        { type: 'final', entry: { type: 'announceEnd', params: { state } } },
      ]),
    ),
  };

  const created = machine.createMachine({
    id: protocol.kind,
    context: ({ input }) => initialContext(protocol, input),
    initial: INVITING,
    // FAIL, TIMEOUT and ABORT end the session from any working phase.
    on: {
      FAIL: { guard: 'acceptable', target: '.failed', actions: 'recordFailure' },
      TIMEOUT: { guard: 'acceptable', target: '.timed_out', actions: 'recordTimeout' },
      ABORT: { guard: 'acceptable', target: '.aborted', actions: 'recordAbort' },
    },
    states: states as StateConfig,
  });
  return created as unknown as SessionMachine<TContext, TEvent, TInput, TEmitted>;
}
