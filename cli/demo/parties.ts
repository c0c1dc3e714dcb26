const NAMES = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'kim',
  'leo',
  'mia',
  'nick',
  'olga',
  'pat',
  'quinn',
  'rose',
  'sam',
  'tina',
];

/** The demo has at most this many participants. */
export const MAX_PARTIES = NAMES.length;

/** Names of the first `n` demo participants. */
export function partyNames(n: number): string[] {
  if (n > MAX_PARTIES) throw new RangeError(`the demo has at most ${MAX_PARTIES} participants`);
  return NAMES.slice(0, n);
}
