// Shared fixtures for protocol tests; the DKG and signing runs themselves are in harness/.
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { runDkg, signRound } from '../../harness/frost-rounds.js';
import { bytesToHex, hexToBytes } from '../../protocol/encoding.js';
import {
  FrostError,
  aggregate,
  schemeInfo,
  type DkgOutput,
  type Scheme,
} from '../../protocol/frost/index.js';

export { persisted, runDkg, signRound } from '../../harness/frost-rounds.js';

export function signAndAggregate(
  scheme: Scheme,
  t: number,
  n: number,
  signers: number[],
  message: string,
) {
  const dkg = runDkg(scheme, t, n);
  const round = signRound(scheme, dkg.outputs, signers, message);
  const signature = aggregate(scheme, dkg.publicKeyPackage, round.signingPackage, round.shares);
  return { ...dkg, ...round, signature };
}

/** A 33-byte encoding whose x is not on the curve. */
export function offCurvePoint(): string {
  for (let x = 1n; ; x++) {
    const hex = '02' + x.toString(16).padStart(64, '0');
    try {
      secp256k1.Point.fromHex(hex);
    } catch {
      return hex;
    }
  }
}

/** The verifying share s·G (hex, the scheme's element encoding) of a signing share (hex). */
export function verifyingShareOf(scheme: Scheme, signingShare: string): string {
  const suite = schemeInfo(scheme);
  const s = suite.scalarFromBytes(hexToBytes(signingShare));
  return bytesToHex(suite.group.BASE.multiply(s).toBytes());
}

/** Flip the low bit of the last byte of a hex string. */
export const flipLastBit = (hex: string): string =>
  hex.slice(0, -2) + (parseInt(hex.slice(-2), 16) ^ 1).toString(16).padStart(2, '0');

/**
 * Flip the lowest bit of the scalar that ends `hex` (a scalar, or a signature R || z), in the
 * scheme's byte order: the value changes by one and stays a canonical scalar, where flipping the
 * last byte of a little-endian scalar would break its encoding instead.
 */
export function flipScalarLowBit(scheme: Scheme, hex: string): string {
  const suite = schemeInfo(scheme);
  const bytes = hexToBytes(hex);
  const low = suite.Fn.isLE ? bytes.length - suite.scalarBytes : bytes.length - 1;
  bytes[low] = bytes[low]! ^ 1;
  return bytesToHex(bytes);
}

export const ORDER_HEX = secp256k1.Point.Fn.ORDER.toString(16);

/** Each participant's confirmation report, keyed by index. */
export const reportsOf = (outputs: DkgOutput[]) =>
  Object.fromEntries(
    outputs.map(({ index, groupPublicKey, verifyingShare }) => [
      index,
      { groupPublicKey, verifyingShare },
    ]),
  );

/** BIP340 verification of hex inputs under x(groupKey) (33-byte compressed hex). */
export const bip340Verify = (sig: string, msg: string, groupKey: string): boolean =>
  schnorr.verify(hexToBytes(sig), hexToBytes(msg), hexToBytes(groupKey.slice(2)));

/** Run `fn`, expect it to throw and return the error's `code`. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? `untyped: ${(err as Error).message}`;
  }
  return undefined;
}

/** Run `fn`, expect it to throw a FrostError and return it. */
export function catchFrost(fn: () => unknown): FrostError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FrostError) return err;
    throw err;
  }
  throw new Error('expected a FrostError');
}
