/**
 * The fast secp256k1 backend: libsecp256k1 through the `secp256k1` addon (docs/protocol.md,
 * Group backends). An element is its 65-byte uncompressed encoding (parsing it costs no square
 * root) or `null` for the identity, which libsecp256k1's public-key API cannot represent: sums
 * that cancel and multiplications by zero are caught here. Scalar multiplication of an arbitrary
 * point is `publicKeyTweakMul` and of the base point `publicKeyCreate`, both constant-time in
 * libsecp256k1; a multi-scalar multiplication is one tweak-multiply per term and one
 * `publicKeyCombine` of all of them.
 *
 * @module
 */
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import type { GroupElement } from './group.js';
import { assertPairs } from './group.js';
import { loadSecp256k1Addon, type Secp256k1Addon } from './native-addon.js';
import { sameBytes } from './noble.js';
import { SECP256K1_ORDER, type Secp256k1Group } from './secp256k1-group.js';

const n = SECP256K1_ORDER;
const G_UNCOMPRESSED = Uint8Array.from(
  Buffer.from(
    '0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' +
      '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8',
    'hex',
  ),
);

function scalarBytes(k: bigint): Uint8Array {
  if (typeof k !== 'bigint' || k <= 0n || k >= n) throw new Error('invalid scalar: out of range');
  return numberToBytesBE(k, 32);
}

/** Builds the backend on a loaded addon. */
function nativeBackend(lib: Secp256k1Addon): Secp256k1Group {
  class NativePoint implements GroupElement {
    private compressed: Uint8Array | undefined;

    /** @param u 65-byte uncompressed encoding, or null for the identity */
    constructor(
      readonly u: Uint8Array | null,
      private readonly isBase = false,
    ) {}

    add(other: GroupElement): GroupElement {
      const b = native(other).u;
      if (!this.u) return other;
      if (!b) return this;
      return combine([this.u, b]);
    }

    subtract(other: GroupElement): GroupElement {
      return this.add(other.negate());
    }

    negate(): GroupElement {
      return this.u ? new NativePoint(lib.publicKeyNegate(this.u, false)) : this;
    }

    multiply(scalar: bigint): GroupElement {
      const k = scalarBytes(scalar);
      if (!this.u) return this;
      if (this.isBase) return new NativePoint(lib.publicKeyCreate(k, false));
      return new NativePoint(lib.publicKeyTweakMul(this.u, k, false));
    }

    multiplyUnsafe(scalar: bigint): GroupElement {
      if (scalar === 0n) return ZERO;
      // Public scalars only: skipping the multiplication by one may show in the timing.
      if (scalar === 1n) return this;
      return this.multiply(scalar);
    }

    equals(other: GroupElement): boolean {
      const b = native(other).u;
      return this.u === null || b === null ? this.u === b : sameBytes(this.u, b);
    }

    is0(): boolean {
      return this.u === null;
    }

    toBytes(): Uint8Array {
      if (!this.u) throw new Error('bad point: ZERO');
      this.compressed ??= lib.publicKeyConvert(this.u, true);
      return this.compressed.slice();
    }
  }

  const ZERO = new NativePoint(null);
  const BASE = new NativePoint(G_UNCOMPRESSED, true);

  function native(element: GroupElement): NativePoint {
    if (!(element instanceof NativePoint)) throw new Error('not an element of the native backend');
    return element;
  }

  /** Σ of non-identity points; the identity when they cancel (combine refuses infinity). */
  function combine(points: Uint8Array[]): GroupElement {
    if (points.length === 0) return ZERO;
    if (points.length === 1) return new NativePoint(points[0]!);
    try {
      return new NativePoint(lib.publicKeyCombine(points, false));
    } catch (err) {
      // The only way valid points fail to combine: the sum is the point at infinity.
      if ((err as Error).message.includes('sum of the public keys')) return ZERO;
      throw err;
    }
  }

  function parse(bytes: Uint8Array): NativePoint {
    let u: Uint8Array;
    try {
      u = lib.publicKeyConvert(bytes, false);
    } catch {
      throw new Error('element is not a point on the curve');
    }
    return new NativePoint(u);
  }

  return {
    backend: 'libsecp256k1',
    order: n,
    elementBytes: 33,
    BASE,
    ZERO,
    fromBytes(bytes) {
      if (bytes.length !== 33) {
        throw new Error(`expected a 33-byte element, got ${bytes.length} bytes`);
      }
      if (bytes[0] !== 0x02 && bytes[0] !== 0x03) throw new Error('non-canonical element encoding');
      // libsecp256k1 refuses x ≥ p and x off the curve; secp256k1 has no other subgroup.
      return parse(bytes);
    },
    msm(points, scalars) {
      assertPairs(points, scalars);
      const terms: Uint8Array[] = [];
      points.forEach((p, i) => {
        const term = native(p).multiplyUnsafe(scalars[i]!) as NativePoint;
        if (term.u) terms.push(term.u);
      });
      return combine(terms);
    },
    hasEvenY(element) {
      const u = native(element).u;
      if (!u) throw new Error('the identity has no y coordinate');
      return (u[64]! & 1) === 0;
    },
    liftX(x) {
      if (x.length !== 32)
        throw new Error(`expected a 32-byte x coordinate, got ${x.length} bytes`);
      return parse(Uint8Array.of(0x02, ...x));
    },
    ecdh(secretKey, publicKey) {
      const out = new Uint8Array(32);
      const xbuf = new Uint8Array(32);
      const ybuf = new Uint8Array(32);
      return lib.ecdh(publicKey, secretKey, { hashfn: (x: Uint8Array) => x, xbuf, ybuf }, out);
    },
    publicKey: (secretKey) => lib.publicKeyCreate(secretKey, true),
    isSecretKey: (secretKey) => {
      if (secretKey.length !== 32) return false;
      const k = bytesToNumberBE(secretKey);
      return k > 0n && k < n;
    },
  };
}

let backend: Secp256k1Group | null | undefined;

/** The libsecp256k1 backend, or null when the addon cannot load on this machine. */
export function nativeSecp256k1(): Secp256k1Group | null {
  if (backend === undefined) {
    const lib = loadSecp256k1Addon();
    backend = lib && nativeBackend(lib);
  }
  return backend;
}
