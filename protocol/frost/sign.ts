// Participant side of signing (RFC 9591 §5.1 commit, §5.2 sign), wrapping noble's FROST.
import type { RNG } from '@noble/curves/abstract/frost.js';
import { z } from 'zod';
import { bytesToHex, hexToBytes } from '../encoding.js';
import { FrostError } from './errors.js';
import {
  KeyShareFieldsSchema,
  indexEntries,
  parseWire,
  suiteSchemas,
  type KeyShare,
  type NonceCommitments,
  type Nonces,
  type SigningPackage,
} from './schemas.js';
import { identifierOf, schemeInfo, type Scheme } from './schemes.js';

/** The part of a KeyShare that signing needs. */
export type SigningKey = Pick<KeyShare, 'index' | 't' | 'n' | 'signingShare' | 'groupPublicKey'>;

// Non-strict: a full KeyShare (or DkgOutput) may be passed; extra fields are ignored.
const SigningKeySchema = z.object(KeyShareFieldsSchema.shape).pick({
  index: true,
  t: true,
  n: true,
  signingShare: true,
  groupPublicKey: true,
});

/** Nonce commitments in noble's form, ascending by index. */
export function toNobleCommitments(scheme: Scheme, commitments: Record<number, NonceCommitments>) {
  return indexEntries(commitments).map(([i, c]) => ({
    identifier: identifierOf(scheme, i),
    hiding: hexToBytes(c.hiding),
    binding: hexToBytes(c.binding),
  }));
}

/**
 * Round 1 of signing: fresh nonces (RFC 9591 nonce_generate: H3(32 random bytes || share)).
 * `nonces` are SECRET and single use: persist them before publishing `commitments` and delete
 * them (durably) before releasing the share made with them. `rng` is for test vectors only.
 */
export function commit(
  scheme: Scheme,
  signingShare: string,
  rng?: RNG,
): { nonces: Nonces; commitments: NonceCommitments } {
  const share = parseWire(suiteSchemas(scheme).nonZeroScalar, signingShare, 'signing share');
  const suite = schemeInfo(scheme).frost;
  const secret = { identifier: identifierOf(scheme, 1), signingShare: hexToBytes(share) };
  const out = rng ? suite.commit(secret, rng) : suite.commit(secret);
  return {
    nonces: { hiding: bytesToHex(out.nonces.hiding), binding: bytesToHex(out.nonces.binding) },
    commitments: {
      hiding: bytesToHex(out.commitments.hiding),
      binding: bytesToHex(out.commitments.binding),
    },
  };
}

/**
 * Round 2 of signing: our signature share z_i over `signingPackage.message` (hex; FROST signs the
 * raw bytes, no pre-hash). noble checks that our own commitments appear unchanged in the package.
 */
export function signShare(
  scheme: Scheme,
  key: SigningKey,
  nonces: Nonces,
  signingPackage: SigningPackage,
): string {
  const exact = suiteSchemas(scheme);
  const k = parseWire(SigningKeySchema, key, 'signing key');
  parseWire(exact.nonZeroScalar, k.signingShare, 'signing share');
  parseWire(exact.element, k.groupPublicKey, 'group public key');
  const pkg = parseWire(exact.signingPackage, signingPackage, 'signing package');
  const n = parseWire(exact.nonces, nonces, 'nonces');
  const signers = indexEntries(pkg.commitments).map(([i]) => i);
  if (signers.length < k.t || signers.length > k.n || signers.some((i) => i > k.n)) {
    throw new FrostError(
      'INVALID_SIGNING_PACKAGE',
      `signing package must name between t=${k.t} and n=${k.n} participants from 1..${k.n}, ` +
        `got ${signers.join(', ')}`,
    );
  }
  if (!signers.includes(k.index)) {
    const msg = `signing package has no commitments for us (${k.index})`;
    throw new FrostError('INVALID_SIGNING_PACKAGE', msg);
  }
  const suite = schemeInfo(scheme).frost;
  try {
    const share = suite.signShare(
      { identifier: identifierOf(scheme, k.index), signingShare: hexToBytes(k.signingShare) },
      {
        signers: { min: k.t, max: k.n },
        commitments: [hexToBytes(k.groupPublicKey)],
        verifyingShares: {},
      },
      { hiding: hexToBytes(n.hiding), binding: hexToBytes(n.binding) },
      toNobleCommitments(scheme, pkg.commitments),
      hexToBytes(pkg.message),
    );
    return bytesToHex(share);
  } catch (err) {
    throw new FrostError('SIGNING_FAILED', `cannot sign: ${(err as Error).message}`);
  }
}
