// FROST(Ed25519, SHA-512), RFC 9591 §6.1: signatures are plain RFC 8032 Ed25519 signatures.
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { base58 } from '@scure/base';
import { defineSuite, reduceHash } from '../suite.js';

export const frostEd25519 = defineSuite({
  scheme: 'frost-ed25519',
  title: 'FROST(Ed25519, SHA-512)',
  contextString: 'FROST-ED25519-SHA512-v1',
  frost: ed25519_FROST,
  Point: ed25519.Point,
  elementBytes: 32,
  hashToScalar: reduceHash(sha512, ed25519.Point.Fn.ORDER, true),
  // A Solana account is the base58 of its 32-byte Ed25519 public key.
  address: { kind: 'Solana', of: (groupKey) => base58.encode(groupKey) },
  acceptedBy: 'any RFC 8032 Ed25519 verifier: Solana, Stellar, NEAR, Aptos, OpenSSL',
});
