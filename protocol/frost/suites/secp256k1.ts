// FROST(secp256k1, SHA-256), RFC 9591 §6.5: 33-byte compressed elements, 32-byte big-endian
// scalars, signatures R(33) || z(32).
import { secp256k1, secp256k1_FROST, secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { defineSuite } from '../suite.js';

export const frostSecp256k1 = defineSuite({
  scheme: 'frost-secp256k1',
  title: 'FROST(secp256k1, SHA-256)',
  contextString: 'FROST-secp256k1-SHA256-v1',
  frost: secp256k1_FROST,
  Point: secp256k1.Point,
  elementBytes: 33,
  hashToScalar: (message, DST) => secp256k1_hasher.hashToScalar(message, { DST }),
  acceptedBy: 'RFC 9591 verifiers (frost-rs, noble); not Ethereum or Bitcoin',
});
