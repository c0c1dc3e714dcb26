// FROST(Ed25519, SHA-512), RFC 9591 §6.1: signatures are plain RFC 8032 Ed25519 signatures.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { base58 } from '@scure/base';
import { nobleGroup } from '../../group/noble.js';
import { scalarField } from '../../group/scalar-field.js';
import { defineSuite, suiteHashes } from '../suite.js';

const contextString = 'FROST-ED25519-SHA512-v1';
const Fn = scalarField(ed25519.Point.Fn.ORDER, 32, true);

export const frostEd25519 = defineSuite({
  scheme: 'frost-ed25519',
  title: 'FROST(Ed25519, SHA-512)',
  contextString,
  group: nobleGroup(ed25519.Point, 32),
  Fn,
  // H2 is SHA-512(m) with no DST, so the signatures are RFC 8032's.
  hashes: suiteHashes({ contextString, digest: sha512, Fn, challengeDst: '' }),
  // A Solana account is the base58 of its 32-byte Ed25519 public key.
  address: { kind: 'Solana', of: (groupKey) => base58.encode(groupKey) },
  acceptedBy: 'any RFC 8032 Ed25519 verifier: Solana, Stellar, NEAR, Aptos, OpenSSL',
});
