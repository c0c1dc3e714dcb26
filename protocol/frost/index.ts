// Public surface of the threshold layer (see docs/protocol.md).
export * from './errors.js';
export * from './schemes.js';
export * from './schemas.js';
export * from './dkg.js';
export * from './sign.js';
export * from './coordinator.js';
export type { GroupElement, SuiteDescription } from './suite.js';
export { taprootOutputKey, tapTweak } from './suites/secp256k1-tr.js';
export { elementFromHex, verifyProofOfKnowledge } from './vss.js';
