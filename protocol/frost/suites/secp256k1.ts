// FROST(secp256k1, SHA-256), RFC 9591 §6.5: 33-byte compressed elements, 32-byte big-endian
// scalars, signatures R(33) || z(32). The group is the selected secp256k1 backend.
import { scalarField } from '../../group/scalar-field.js';
import { secp256k1Group } from '../../group/secp256k1.js';
import { SECP256K1_ORDER } from '../../group/secp256k1-group.js';
import { defineSuite, suiteHashes } from '../suite.js';
import { secp256k1HashToScalar } from './secp256k1-hash.js';
import { sha256 } from './sha256.js';

const contextString = 'FROST-secp256k1-SHA256-v1';
const Fn = scalarField(SECP256K1_ORDER, 32, false);

export const frostSecp256k1 = defineSuite({
  scheme: 'frost-secp256k1',
  title: 'FROST(secp256k1, SHA-256)',
  contextString,
  group: secp256k1Group,
  Fn,
  hashes: suiteHashes({ contextString, digest: sha256, Fn, toScalar: secp256k1HashToScalar }),
  acceptedBy: 'RFC 9591 verifiers (frost-rs, noble); not Ethereum or Bitcoin',
});
