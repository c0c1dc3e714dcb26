/**
 * The final states of a threshold session (docs/sessions.md, "States"), the one list the
 * machines, the server and the clients share. Every one is announced to everyone in the session.
 *
 * @module
 */

export const TERMINAL_STATES = ['completed', 'rejected', 'failed', 'timed_out', 'aborted'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];

export function isTerminalState(value: unknown): value is TerminalState {
  return (TERMINAL_STATES as readonly unknown[]).includes(value);
}
