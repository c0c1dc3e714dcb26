/**
 * Checks a FROST signature with an implementation other than the one that produced it: OpenSSL
 * for the RFC 8032 suites, the RFC 9591 equation on noble point operations for P-256 and
 * ristretto255, noble's BIP340 `schnorr.verify` for Taproot; frost-secp256k1 (whose signatures
 * nothing outside RFC 9591 accepts) with noble's RFC 9591 verify, as since the first release.
 */
import { schnorr, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import type { Scheme } from '../../protocol/frost/schemes.js';
import { opensslVerifyEd, rfcVerify } from './independent-verifiers.js';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

export async function verifiedElsewhere(
  scheme: Scheme,
  groupPublicKey: string,
  message: string,
  signature: string,
): Promise<boolean> {
  switch (scheme) {
    case 'frost-ed25519':
      return opensslVerifyEd('ed25519', groupPublicKey, message, signature);
    case 'frost-ed448':
      return opensslVerifyEd('ed448', groupPublicKey, message, signature);
    case 'frost-p256':
      return rfcVerify('p256', groupPublicKey, message, signature);
    case 'frost-ristretto255':
      return rfcVerify('ristretto255', groupPublicKey, message, signature);
    case 'frost-secp256k1-tr':
      return schnorr.verify(bytes(signature), bytes(message), bytes(groupPublicKey).subarray(1));
    case 'frost-secp256k1':
      return secp256k1_FROST.verify(bytes(signature), bytes(message), bytes(groupPublicKey));
  }
}
