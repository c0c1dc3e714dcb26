/**
 * The event of a round's submission, the shape most protocol events have: a member sends its
 * part once; it is stored, the member is marked done, and everyone hears who is still owed.
 *
 * @module
 */
import type { SessionContextBase } from './common.js';
import type { z } from 'zod';
import type { AnyContext, EventSpec, PointToPoint, SubmissionSpec } from './description.js';
import { submitted } from './notifications.js';
import { markStatus } from './participants.js';
import { alreadySubmitted, notAMember, reject, type Rejection } from './rejection.js';

interface SubmissionEvent {
  type: string;
  participant: string;
  at: number;
}

export interface SubmissionOptions<TContext, TEvent> {
  phase: string;
  /** The status that marks the member done with this round. */
  done: string;
  /** What it sent, for the ALREADY_SUBMITTED message (`its round-1 package`). */
  what: string;
  /** The context patch that stores the submission. */
  store(context: TContext, event: TEvent): Partial<TContext>;
  /** Checks before the once-only rule (e.g. the signing's commitment round). */
  first?(context: TContext, event: TEvent): Rejection | null;
  /** Checks after it (e.g. nonce reuse). */
  last?(context: TContext, event: TEvent): Rejection | null;
  /** Point-to-point: the payload for each recipient, and what one is called in messages. */
  pointToPoint?: PointToPoint<TEvent>;
}

/** Every other member exactly once: no one missing, no stranger. */
export function addressedToEveryOther(
  context: AnyContext,
  sender: string,
  payloads: Readonly<Record<string, string>>,
  what: string,
): Rejection | null {
  const expected = context.participants.map((p) => p.name).filter((n) => n !== sender);
  const missing = expected.filter((n) => !Object.hasOwn(payloads, n));
  const unexpected = Object.keys(payloads).filter((n) => !expected.includes(n));
  if (missing.length === 0 && unexpected.length === 0) return null;
  const parts = [
    missing.length > 0 ? `missing shares for ${missing.join(', ')}` : '',
    unexpected.length > 0 ? `unexpected recipients ${unexpected.join(', ')}` : '',
  ].filter(Boolean);
  return reject('INVALID_SUBMISSION', `${what}s from ${sender}: ${parts.join('; ')}`);
}

export function submission<
  TContext extends SessionContextBase<string, string>,
  TEvent extends SubmissionEvent,
>(options: SubmissionOptions<TContext, TEvent>): EventSpec<TContext, TEvent> {
  const { done, what, pointToPoint } = options;
  return {
    phases: [options.phase],
    check: (context, event) =>
      notAMember(context, event.participant) ??
      options.first?.(context, event) ??
      alreadySubmitted(context, event.participant, [done], what) ??
      (pointToPoint
        ? addressedToEveryOther(
            context,
            event.participant,
            pointToPoint.payloads(event),
            pointToPoint.what,
          )
        : null) ??
      options.last?.(context, event) ??
      null,
    apply: (context, event) => {
      const update = {
        ...options.store(context, event),
        ...markStatus(context, event.participant, done, done),
      } as Partial<TContext>;
      return { assign: update, emit: [submitted({ ...context, ...update }, event.participant)] };
    },
    ...(pointToPoint ? { pointToPoint } : {}),
  };
}

/**
 * A submission kind whose event is the submission itself: its fields, without `kind`, under
 * the event's `type` (what most protocols' submissions are; FROST's rename a few fields).
 */
export function fieldsAsEvent<TEvent extends SubmissionEvent>(
  schema: z.ZodType<{ kind: string }>,
  type: NoInfer<TEvent['type']>,
): SubmissionSpec<TEvent> {
  return {
    schema,
    event: (participant, submission: { kind: string }, at) => {
      const { kind: _kind, ...fields } = submission;
      return { ...fields, type, participant, at } as unknown as TEvent;
    },
  };
}
