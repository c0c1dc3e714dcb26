// FROST(secp256k1, SHA-256) with BIP340 signatures and the BIP86 Taproot tweak (frost-rs
// `frost-secp256k1-tr`): the group key is the Taproot output key Q, signatures are x(R) || z.
import { schnorr, schnorr_FROST, secp256k1, secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { p2trAddress, type Network } from '../../address.js';
import { bytesToHex } from '../../encoding.js';
import { defineSuite, type GroupElement } from '../suite.js';

const { Point } = secp256k1;

const hasEvenY = (p: GroupElement): boolean => p.toBytes()[0] === 0x02;

/** BIP341 TapTweak scalar for an x-only key with an empty script tree (BIP86). */
export function tapTweak(xOnly: Uint8Array): bigint {
  const t = BigInt('0x' + bytesToHex(schnorr.utils.taggedHash('TapTweak', xOnly)));
  if (t >= Point.Fn.ORDER) throw new Error('invalid TapTweak hash');
  return t;
}

/** BIP86 output key Q = lift_x(x(P)) + TapTweak(x(P))·G. */
export function taprootOutputKey(internal: GroupElement): GroupElement {
  const even = hasEvenY(internal) ? internal : internal.negate();
  return even.add(Point.BASE.multiply(tapTweak(even.toBytes().subarray(1))));
}

export const frostSecp256k1Tr = defineSuite({
  scheme: 'frost-secp256k1-tr',
  title: 'FROST(secp256k1, SHA-256) with BIP340/BIP341 (Taproot)',
  contextString: 'FROST-secp256k1-SHA256-TR-v1',
  frost: schnorr_FROST,
  Point,
  elementBytes: 33,
  commitmentBytes: 32,
  decodeCommitment: (bytes) => schnorr.utils.lift_x(BigInt('0x' + bytesToHex(bytes))),
  hashToScalar: (message, DST) => secp256k1_hasher.hashToScalar(message, { DST }),
  // noble/frost-rs post-DKG step: even-Y normalise the key (and every share), then TapTweak both.
  adjustKey(groupKey, verifyingShares) {
    const flip = !hasEvenY(groupKey);
    const key = flip ? groupKey.negate() : groupKey;
    const tweak = Point.BASE.multiply(tapTweak(key.toBytes().subarray(1)));
    return {
      groupKey: key.add(tweak),
      verifyingShares: verifyingShares.map((y) => (flip ? y.negate() : y).add(tweak)),
    };
  },
  address: {
    kind: 'P2TR',
    of: (groupKey, network) => p2trAddress(bytesToHex(groupKey), network as Network),
  },
  acceptedBy: 'Bitcoin Taproot key-path spends (BIP340 verifiers: Bitcoin Core, noble schnorr)',
});
