// FROST(ristretto255, SHA-512), RFC 9591 §6.2: 32-byte RFC 9496 elements, little-endian scalars.
import { ristretto255 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { nobleGroup } from '../../group/noble.js';
import { scalarField } from '../../group/scalar-field.js';
import { defineSuite, suiteHashes } from '../suite.js';

const contextString = 'FROST-RISTRETTO255-SHA512-v1';
const Fn = scalarField(ristretto255.Point.Fn.ORDER, 32, true);

export const frostRistretto255 = defineSuite({
  scheme: 'frost-ristretto255',
  title: 'FROST(ristretto255, SHA-512)',
  contextString,
  group: nobleGroup(ristretto255.Point, 32),
  Fn,
  hashes: suiteHashes({ contextString, digest: sha512, Fn }),
  acceptedBy: 'RFC 9591 verifiers (frost-rs, frostd, noble); Zcash-style ristretto255 Schnorr',
});
