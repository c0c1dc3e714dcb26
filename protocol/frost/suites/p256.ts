// FROST(P-256, SHA-256), RFC 9591 §6.4: 33-byte compressed elements, 32-byte big-endian
// scalars. Signatures are Schnorr signatures R || z checked by the RFC's equation, not ECDSA.
import { p256, p256_hasher } from '@noble/curves/nist.js';
import { nobleGroup } from '../../group/noble.js';
import { scalarField } from '../../group/scalar-field.js';
import { defineSuite, suiteHashes } from '../suite.js';
import { sha256 } from './sha256.js';

const contextString = 'FROST-P256-SHA256-v1';
const Fn = scalarField(p256.Point.Fn.ORDER, 32, false);

export const frostP256 = defineSuite({
  scheme: 'frost-p256',
  title: 'FROST(P-256, SHA-256)',
  contextString,
  group: nobleGroup(p256.Point, 33),
  Fn,
  // H1-H3 and the DKG hash: RFC 9380 hash_to_field (expand_message_xmd, SHA-256, L = 48).
  hashes: suiteHashes({
    contextString,
    digest: sha256,
    Fn,
    toScalar: (msg, DST) => p256_hasher.hashToScalar(msg, { DST }),
  }),
  acceptedBy: 'RFC 9591 verifiers (frost-rs, frostd, noble); not ECDSA (WebAuthn, JOSE ES256)',
});
