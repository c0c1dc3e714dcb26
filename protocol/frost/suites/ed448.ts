// FROST(Ed448, SHAKE256), RFC 9591 §6.3: 57-byte elements and scalars (little-endian);
// signatures are plain RFC 8032 Ed448 signatures (empty context).
import { ed448 } from '@noble/curves/ed448.js';
import { shake256 } from '@noble/hashes/sha3.js';
import { nobleGroup } from '../../group/noble.js';
import { scalarField } from '../../group/scalar-field.js';
import { defineSuite, suiteHashes } from '../suite.js';

const contextString = 'FROST-ED448-SHAKE256-v1';
const Fn = scalarField(ed448.Point.Fn.ORDER, 57, true);
const digest = (m: Uint8Array) => shake256(m, { dkLen: 114 });

export const frostEd448 = defineSuite({
  scheme: 'frost-ed448',
  title: 'FROST(Ed448, SHAKE256)',
  contextString,
  group: nobleGroup(ed448.Point, 57),
  Fn,
  // H2 is RFC 8032's dom4 prefix with an empty context: "SigEd448" || 0 || 0.
  hashes: suiteHashes({ contextString, digest, Fn, challengeDst: 'SigEd448\0\0' }),
  acceptedBy: 'any RFC 8032 Ed448 verifier (OpenSSL, libsodium-compatible Ed448 libraries)',
});
