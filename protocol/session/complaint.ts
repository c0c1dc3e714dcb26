/**
 * A complaint: a member found another member's message bad, which only the two of them can
 * see (it was sealed between them). The session fails naming both, accuser and accused
 * (`complaintBy`). Heard in `phases`, from a member that has not yet sent what the phase asks.
 *
 * @module
 */
import type { SessionContextBase } from './common.js';
import type { EventSpec } from './description.js';
import { complaintBy } from './lifecycle.js';
import { alreadySubmitted, notAMember, reject } from './rejection.js';

export interface ComplainEvent {
  type: 'COMPLAIN';
  participant: string;
  accused: string;
  reason: string;
  at: number;
}

export function complaintEvent<TContext extends SessionContextBase<string, string>>(options: {
  phases: readonly string[];
  /** The status that marks a member done with the current phase. */
  doneIn(phase: TContext['phase']): string;
  /** What it has sent once done, for the refusal (`its confirmation`). */
  what: string;
}): EventSpec<TContext, ComplainEvent> {
  return {
    phases: options.phases,
    check: (context, event) => {
      const { participant, accused } = event;
      const notMember = notAMember(context, participant) ?? notAMember(context, accused);
      if (notMember) return notMember;
      if (accused === participant) {
        return reject('INVALID_SUBMISSION', `${participant} cannot complain about itself`);
      }
      const done = options.doneIn(context.phase);
      return alreadySubmitted(
        context,
        participant,
        [done],
        `${options.what}, so it cannot complain`,
      );
    },
    apply: (_context, event) => ({ then: { fail: complaintBy(event) } }),
  };
}
