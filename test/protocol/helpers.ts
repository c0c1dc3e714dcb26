// Shared fixtures for protocol tests: run a full DKG and a signing among in-process participants.
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '../../protocol/encoding.js';
import {
  FrostError,
  aggregate,
  commit,
  dkgRound1,
  dkgRound2,
  dkgRound3,
  expectedConfirmation,
  signShare,
  type DkgOutput,
  type IndexMap,
  type Round1Package,
  type Scheme,
  type SigningPackage,
} from '../../protocol/frost/index.js';

/** JSON round trip, as an agent persisting its state between rounds would do. */
export const persisted = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function runDkg(scheme: Scheme, t: number, n: number) {
  const indexes = Array.from({ length: n }, (_, k) => k + 1);
  const r1 = indexes.map((i) => dkgRound1(scheme, i, t, n));
  const round1: IndexMap<Round1Package> = {};
  r1.forEach((r, k) => (round1[k + 1] = persisted(r.package)));
  const r2 = r1.map((r) => dkgRound2(persisted(r.secretState), round1));
  const received = (i: number): IndexMap<string> => {
    const out: IndexMap<string> = {};
    r2.forEach((o, k) => {
      if (k + 1 !== i) out[k + 1] = o.sharesFor[i]!;
    });
    return out;
  };
  const outputs: DkgOutput[] = r2.map((r, k) =>
    dkgRound3(persisted(r.secretState), round1, received(k + 1)),
  );
  const expected = expectedConfirmation(scheme, t, n, round1);
  const { groupPublicKey, verifyingShares } = expected;
  const publicKeyPackage = { t, n, groupPublicKey, verifyingShares };
  return { r1, round1, r2, received, outputs, expected, publicKeyPackage };
}

export function signRound(scheme: Scheme, keys: DkgOutput[], signers: number[], message: string) {
  const byIndex = new Map(keys.map((k) => [k.index, k]));
  const commits = new Map(signers.map((i) => [i, commit(scheme, byIndex.get(i)!.signingShare)]));
  const signingPackage: SigningPackage = {
    message,
    commitments: Object.fromEntries(signers.map((i) => [i, commits.get(i)!.commitments])),
  };
  const shares: IndexMap<string> = {};
  for (const i of signers) {
    shares[i] = signShare(scheme, byIndex.get(i)!, commits.get(i)!.nonces, signingPackage);
  }
  return { signingPackage, shares, commits };
}

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

/** Flip the low bit of the last byte of a hex string. */
export const flipLastBit = (hex: string): string =>
  hex.slice(0, -2) + (parseInt(hex.slice(-2), 16) ^ 1).toString(16).padStart(2, '0');

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
