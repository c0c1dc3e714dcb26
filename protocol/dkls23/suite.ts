/**
 * The DKLs23 keygen's VSS and proofs of knowledge are the FROST DKG's mathematics (docs/dkls23.md,
 * Keygen), so they run on our FROST engine, under their own context string: a proof made for a
 * FROST keygen is not one for a DKLs23 keygen.
 *
 * @module
 */
import { secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { secp256k1Group } from '../group/secp256k1.js';
import { ciphersuite } from '../frost/engine/ciphersuite.js';
import { defineSuite, suiteHashes } from '../frost/suite.js';
import { Fn } from './field.js';

const contextString = 'DKLs23-secp256k1-SHA256-v1';

export const dklsSuite = ciphersuite(
  defineSuite({
    scheme: 'dkls23-secp256k1',
    title: 'DKLs23(secp256k1)',
    contextString,
    group: secp256k1Group,
    Fn,
    hashes: suiteHashes({
      contextString,
      digest: sha256,
      Fn,
      toScalar: (msg, DST) => secp256k1_hasher.hashToScalar(msg, { DST }),
    }),
    acceptedBy: 'every ECDSA verifier: Ethereum, Bitcoin (P2WPKH), OpenSSL',
  }),
);
