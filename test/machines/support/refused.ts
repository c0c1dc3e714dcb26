/** The one check every refusal test makes: explained, not taken, and nothing changed. */
import { expect } from 'vitest';
import {
  explainRejection,
  type AnySessionContext,
  type AnySessionEvent,
  type RejectionCode,
} from '../../../machines/index.js';
import type { Session } from './session.js';

/**
 * `explainRejection` names `code` for `event`; a live session also refuses it (`can` is false)
 * and sending it changes neither the snapshot nor the notifications. Returns the message.
 */
export function expectRefused<TContext extends AnySessionContext, TEvent extends AnySessionEvent>(
  s: Session<TContext, TEvent>,
  event: TEvent,
  code: RejectionCode,
): string {
  const before = s.stored();
  const emittedBefore = s.emitted.length;
  const rejection = explainRejection(s.snapshot, event);
  expect(rejection?.code).toBe(code);
  if (s.snapshot.status !== 'active') return rejection?.message ?? ''; // a done actor ignores all
  expect(s.snapshot.can(event)).toBe(false);
  s.send(event);
  expect(s.stored()).toEqual(before);
  expect(s.emitted.length).toBe(emittedBefore);
  return rejection?.message ?? '';
}
