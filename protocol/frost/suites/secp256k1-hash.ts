// The hash to a scalar of both secp256k1 suites (RFC 9591 §6.5): RFC 9380 hash_to_field with
// expand_message_xmd over SHA-256, L = 48, reduced mod n.
import { SECP256K1_ORDER } from '../../group/secp256k1-group.js';
import { hashToScalarXmd } from './sha256.js';

export const secp256k1HashToScalar = hashToScalarXmd(SECP256K1_ORDER);
