// Public surface of the threshold layer (see docs/protocol.md).
export * from './errors.js';
export * from './schemes.js';
export * from './schemas.js';
export * from './dkg.js';
export * from './sign.js';
export * from './coordinator.js';
export { taprootOutputKey, tapTweak, verifyProofOfKnowledge } from './vss.js';
