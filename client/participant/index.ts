// The participant agent: run it with runParticipant (docs/participant.md).
export { runParticipant, ParticipantError } from './agent.js';
export { readCommitmentLog, type CommitmentLogEntry } from './commitment-log.js';
export { Keystore, KeystoreError } from './keystore.js';
export { nonceRecordId } from './records.js';
export type * from './types.js';
