// Coordinator helpers: start sessions and follow them to their end.
export { followSession, type FollowOptions } from './follow.js';
export { advance, type SessionProgress } from './progress.js';
export { SessionEndedError, describeEnd } from './session-ended-error.js';
export { startDestroy, startKeygen, startSign } from './start.js';
