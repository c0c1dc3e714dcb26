// FROST(secp256k1, SHA-256) with BIP340 signatures and the BIP86 Taproot tweak (frost-rs
// `frost-secp256k1-tr`): the group key is the Taproot output key Q, signatures are x(R) || z.
import { p2trAddress, type Network } from '../../address.js';
import { bytesToHex } from '../../encoding.js';
import { scalarField } from '../../group/scalar-field.js';
import { secp256k1Group } from '../../group/secp256k1.js';
import { SECP256K1_ORDER } from '../../group/secp256k1-group.js';
import { defineSuite, suiteHashes, type GroupElement } from '../suite.js';
import { secp256k1HashToScalar } from './secp256k1-hash.js';
import { sha256 } from './sha256.js';

const contextString = 'FROST-secp256k1-SHA256-TR-v1';
const Fn = scalarField(SECP256K1_ORDER, 32, false);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** BIP340 tagged hash: SHA-256(SHA-256(tag) || SHA-256(tag) || m). */
function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  const t = sha256(utf8(tag));
  return sha256(t, t, ...parts);
}

const xOnly = (p: GroupElement): Uint8Array => p.toBytes().subarray(1);

/** BIP341 TapTweak scalar for an x-only key with an empty script tree (BIP86). */
export function tapTweak(x: Uint8Array): bigint {
  const t = BigInt('0x' + bytesToHex(taggedHash('TapTweak', x)));
  if (t >= SECP256K1_ORDER) throw new Error('invalid TapTweak hash');
  return t;
}

/** BIP86 output key Q = lift_x(x(P)) + TapTweak(x(P))·G, on the selected secp256k1 backend. */
export function taprootOutputKey(internal: GroupElement): GroupElement {
  const even = secp256k1Group.hasEvenY(internal) ? internal : internal.negate();
  return even.add(secp256k1Group.BASE.multiplyUnsafe(tapTweak(xOnly(even))));
}

export const frostSecp256k1Tr = defineSuite({
  scheme: 'frost-secp256k1-tr',
  title: 'FROST(secp256k1, SHA-256) with BIP340/BIP341 (Taproot)',
  contextString,
  group: secp256k1Group,
  Fn,
  hashes: suiteHashes({ contextString, digest: sha256, Fn, toScalar: secp256k1HashToScalar }),
  evenY: {
    hasEvenY: (p) => secp256k1Group.hasEvenY(p),
    liftX: (x) => secp256k1Group.liftX(x),
    challenge: (R, PK, msg) =>
      Fn.reduceBytes(taggedHash('BIP0340/challenge', xOnly(R), xOnly(PK), msg)),
  },
  // frost-rs post-DKG step: even-Y normalise the key (and every share), then TapTweak both.
  keyTweak(groupKey) {
    const negate = !secp256k1Group.hasEvenY(groupKey);
    return { negate, tweak: tapTweak(xOnly(groupKey)) };
  },
  address: {
    kind: 'P2TR',
    of: (groupKey, network) => p2trAddress(bytesToHex(groupKey), network as Network),
  },
  acceptedBy: 'Bitcoin Taproot key-path spends (BIP340 verifiers: Bitcoin Core, noble schnorr)',
});
