/**
 * The reference secp256k1 backend: `@noble/curves`, pure JavaScript, and the fallback where the
 * libsecp256k1 addon cannot load.
 *
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import type { GroupElement } from './group.js';
import { nobleGroup } from './noble.js';
import type { Secp256k1Group } from './secp256k1-group.js';

const { Point } = secp256k1;
type NoblePoint = InstanceType<typeof Point>;

const asNoble = (element: GroupElement): NoblePoint => {
  if (!(element instanceof Point)) throw new Error('not an element of the noble backend');
  return element;
};

export const nobleSecp256k1: Secp256k1Group = {
  ...nobleGroup(Point, 33),
  backend: 'noble',
  hasEvenY(element) {
    const p = asNoble(element);
    if (p.is0()) throw new Error('the identity has no y coordinate');
    return p.toAffine().y % 2n === 0n;
  },
  liftX(x) {
    if (x.length !== 32) throw new Error(`expected a 32-byte x coordinate, got ${x.length} bytes`);
    return secp256k1.Point.fromBytes(Uint8Array.of(0x02, ...x));
  },
  ecdh: (secretKey, publicKey) => secp256k1.getSharedSecret(secretKey, publicKey, true).subarray(1),
  publicKey: (secretKey) => secp256k1.getPublicKey(secretKey, true),
  isSecretKey: (secretKey) => {
    if (secretKey.length !== 32) return false;
    const k = bytesToNumberBE(secretKey);
    return k > 0n && k < Point.Fn.ORDER;
  },
};
