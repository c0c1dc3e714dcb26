// The hash to a scalar of both secp256k1 suites (RFC 9591 §6.5): RFC 9380 hash_to_field with
// expand_message_xmd over SHA-256, L = 48, reduced mod n (noble's implementation of RFC 9380).
import { secp256k1_hasher } from '@noble/curves/secp256k1.js';

export const secp256k1HashToScalar = (msg: Uint8Array, DST: Uint8Array): bigint =>
  secp256k1_hasher.hashToScalar(msg, { DST });
