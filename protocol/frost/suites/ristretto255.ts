// FROST(ristretto255, SHA-512), RFC 9591 §6.2: 32-byte RFC 9496 elements, little-endian scalars.
import { ristretto255, ristretto255_FROST } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { defineSuite, reduceHash } from '../suite.js';

export const frostRistretto255 = defineSuite({
  scheme: 'frost-ristretto255',
  title: 'FROST(ristretto255, SHA-512)',
  contextString: 'FROST-RISTRETTO255-SHA512-v1',
  frost: ristretto255_FROST,
  Point: ristretto255.Point,
  elementBytes: 32,
  hashToScalar: reduceHash(sha512, ristretto255.Point.Fn.ORDER, true),
  acceptedBy: 'RFC 9591 verifiers (frost-rs, frostd, noble); Zcash-style ristretto255 Schnorr',
});
