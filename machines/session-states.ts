/**
 * State-config fragments both machines share. They name the actions and guards registered by
 * `sessionActions()` / `sessionGuards()`, so a machine that spreads those into `setup()` can use
 * these fragments as they are.
 *
 * @module
 */
import type { TerminalState } from './common.js';

/** FAIL, TIMEOUT and ABORT end the session from any working phase (root-level transitions). */
export const sessionWideTransitions = {
  FAIL: { guard: 'acceptable', target: '.failed', actions: 'recordFailure' },
  TIMEOUT: { guard: 'acceptable', target: '.timed_out', actions: 'recordTimeout' },
  ABORT: { guard: 'acceptable', target: '.aborted', actions: 'recordAbort' },
} as const;

function finalState<TState extends TerminalState>(state: TState) {
  return { type: 'final', entry: { type: 'announceEnd', params: { state } } } as const;
}

/** The five final states; entering one announces it to everyone. */
export const terminalStates = {
  completed: finalState('completed'),
  rejected: finalState('rejected'),
  failed: finalState('failed'),
  timed_out: finalState('timed_out'),
  aborted: finalState('aborted'),
} as const;

/** Entry of a working phase after the first: reset who is owed and the deadline, announce. */
export function phaseEntry<TPhase extends string>(phase: TPhase) {
  return [{ type: 'startPhase', params: { phase } }, 'announcePhase'] as const;
}

/**
 * The first phase. Its fields (deadline, waitingFor) come from the context factory, since the
 * initial entry has no event with `at`. Any acceptable refusal ends the session `rejected`;
 * once everyone accepted, the session moves to `next`.
 */
export function invitingState<TNext extends string>(next: TNext) {
  return {
    entry: ['sendInvites', 'announcePhase'],
    on: {
      RESPOND: [
        {
          guard: 'declinesInvitation',
          target: 'rejected',
          actions: ['recordAnswer', 'recordRejection'],
        },
        { guard: 'acceptable', actions: 'recordAnswer' },
      ],
    },
    always: { guard: 'nobodyOwed', target: next },
  } as const;
}
