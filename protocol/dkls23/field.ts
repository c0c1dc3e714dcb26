// Scalars mod secp256k1's order n, 32 bytes big-endian: the field every DKLs23 piece works in.
import { scalarField } from '../group/scalar-field.js';
import { SECP256K1_ORDER } from '../group/secp256k1-group.js';

export const Fn = scalarField(SECP256K1_ORDER, 32, false);
