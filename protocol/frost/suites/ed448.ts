// FROST(Ed448, SHAKE256), RFC 9591 §6.3: 57-byte elements and scalars (little-endian);
// signatures are plain RFC 8032 Ed448 signatures (empty context).
import { ed448, ed448_FROST } from '@noble/curves/ed448.js';
import { shake256 } from '@noble/hashes/sha3.js';
import { defineSuite, reduceHash } from '../suite.js';

export const frostEd448 = defineSuite({
  scheme: 'frost-ed448',
  title: 'FROST(Ed448, SHAKE256)',
  contextString: 'FROST-ED448-SHAKE256-v1',
  frost: ed448_FROST,
  Point: ed448.Point,
  elementBytes: 57,
  hashToScalar: reduceHash((m) => shake256(m, { dkLen: 114 }), ed448.Point.Fn.ORDER, true),
  acceptedBy: 'any RFC 8032 Ed448 verifier (OpenSSL, libsodium-compatible Ed448 libraries)',
});
