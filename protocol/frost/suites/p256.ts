// FROST(P-256, SHA-256), RFC 9591 §6.4: 33-byte compressed elements, 32-byte big-endian
// scalars. Signatures are Schnorr signatures R || z checked by the RFC's equation, not ECDSA.
import { p256, p256_FROST, p256_hasher } from '@noble/curves/nist.js';
import { defineSuite } from '../suite.js';

export const frostP256 = defineSuite({
  scheme: 'frost-p256',
  title: 'FROST(P-256, SHA-256)',
  contextString: 'FROST-P256-SHA256-v1',
  frost: p256_FROST,
  Point: p256.Point,
  elementBytes: 33,
  hashToScalar: (message, DST) => p256_hasher.hashToScalar(message, { DST }),
  acceptedBy: 'RFC 9591 verifiers (frost-rs, frostd, noble); not ECDSA (WebAuthn, JOSE ES256)',
});
