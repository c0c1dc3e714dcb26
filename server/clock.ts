/**
 * The server's clock, handed to every service that needs the time (tests pass their own).
 * Machines never read it: time reaches them inside events as `at`.
 *
 * @module
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
