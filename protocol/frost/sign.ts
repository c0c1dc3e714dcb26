// Participant side of signing (RFC 9591 §5.1 commit, §5.2 sign) on our engine (engine/signing.ts).
import { randomBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { bytesToHex, hexToBytes } from '../encoding.js';
import type { RandomBytes } from '../group/scalar-field.js';
import { signingContext, type SignerCommitment } from './engine/binding.js';
import { commitNonces, signatureShare } from './engine/signing.js';
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
import { schemeInfo, type Scheme } from './schemes.js';
import { elementFromHex } from './vss.js';

export type { RandomBytes };

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

/** A signing package's nonce commitments, decoded, ascending by index. */
export function signerCommitments(
  scheme: Scheme,
  commitments: Record<number, NonceCommitments>,
): SignerCommitment[] {
  return indexEntries(commitments).map(([i, c]) => ({
    id: BigInt(i),
    hiding: elementFromHex(scheme, c.hiding),
    binding: elementFromHex(scheme, c.binding),
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
  rng: RandomBytes = randomBytes,
): { nonces: Nonces; commitments: NonceCommitments } {
  const share = parseWire(suiteSchemas(scheme).nonZeroScalar, signingShare, 'signing share');
  const suite = schemeInfo(scheme);
  const out = commitNonces(suite, suite.scalarFromBytes(hexToBytes(share)), rng);
  const hex = (k: bigint) => bytesToHex(suite.scalarToBytes(k));
  return {
    nonces: { hiding: hex(out.nonces.hiding), binding: hex(out.nonces.binding) },
    commitments: {
      hiding: bytesToHex(out.commitments.hiding.toBytes()),
      binding: bytesToHex(out.commitments.binding.toBytes()),
    },
  };
}

/**
 * Round 2 of signing: our signature share z_i over `signingPackage.message` (hex; FROST signs the
 * raw bytes, no pre-hash). Refuses a package in which our own commitments do not appear unchanged.
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
  const suite = schemeInfo(scheme);
  const scalar = (hex: string) => suite.scalarFromBytes(hexToBytes(hex));
  try {
    const groupKey = elementFromHex(scheme, k.groupPublicKey);
    const msg = hexToBytes(pkg.message);
    const ctx = signingContext(suite, groupKey, signerCommitments(scheme, pkg.commitments), msg);
    const signer = { id: BigInt(k.index), signingShare: scalar(k.signingShare), groupKey };
    const nonce = { hiding: scalar(n.hiding), binding: scalar(n.binding) };
    return bytesToHex(suite.scalarToBytes(signatureShare(suite, signer, nonce, ctx)));
  } catch (err) {
    throw new FrostError('SIGNING_FAILED', `cannot sign: ${(err as Error).message}`);
  }
}
