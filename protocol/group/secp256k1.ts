/**
 * The secp256k1 group every scheme uses: libsecp256k1 when its addon loads, `@noble/curves`
 * otherwise. `SIGSOCKET_GROUP_BACKEND=noble|libsecp256k1` picks one at start (a process that asks
 * for libsecp256k1 where it cannot load fails at once); `useSecp256k1Backend` switches between
 * whole runs (benchmarks and tests). Elements of one backend must not meet elements of the
 * other: switch only when no element is held (docs/protocol.md, Group backends).
 *
 * @module
 */
import type { Secp256k1BackendName, Secp256k1Group } from './secp256k1-group.js';
import { nativeSecp256k1 } from './secp256k1-native.js';
import { nobleSecp256k1 } from './secp256k1-noble.js';

/** The named backend; throws when libsecp256k1 is asked for and cannot load. */
export function secp256k1Backend(name: Secp256k1BackendName): Secp256k1Group {
  if (name === 'noble') return nobleSecp256k1;
  const native = nativeSecp256k1();
  if (!native) throw new Error('the libsecp256k1 addon cannot load on this machine');
  return native;
}

function initial(): Secp256k1Group {
  const asked = process.env.SIGSOCKET_GROUP_BACKEND;
  if (asked === 'noble' || asked === 'libsecp256k1') return secp256k1Backend(asked);
  if (asked) throw new Error(`SIGSOCKET_GROUP_BACKEND must be noble or libsecp256k1, got ${asked}`);
  return nativeSecp256k1() ?? nobleSecp256k1;
}

let current = initial();

/** Makes `name` the backend of `secp256k1Group` from now on; returns the previous one's name. */
export function useSecp256k1Backend(name: Secp256k1BackendName): Secp256k1BackendName {
  const previous = current.backend;
  current = secp256k1Backend(name);
  return previous;
}

/** The secp256k1 group of the current backend. */
export const secp256k1Group: Secp256k1Group = {
  get backend() {
    return current.backend;
  },
  get order() {
    return current.order;
  },
  get elementBytes() {
    return current.elementBytes;
  },
  get BASE() {
    return current.BASE;
  },
  get ZERO() {
    return current.ZERO;
  },
  fromBytes: (bytes) => current.fromBytes(bytes),
  msm: (points, scalars) => current.msm(points, scalars),
  hasEvenY: (element) => current.hasEvenY(element),
  liftX: (x) => current.liftX(x),
  ecdh: (secretKey, publicKey) => current.ecdh(secretKey, publicKey),
  publicKey: (secretKey) => current.publicKey(secretKey),
  isSecretKey: (secretKey) => current.isSecretKey(secretKey),
};
