// A full FROST DKG and a signing round among in-process participants, with no server: what the
// protocol tests check and what the benchmarks' crypto-only baseline measures.
import {
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
} from '../protocol/frost/index.js';

/** JSON round trip, as an agent persisting its state between rounds would do. */
export const persisted = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A t-of-n keygen among participants 1..n: every round's output and the expected result. */
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

/** One signing round by `signers` over `message`: the package and each signer's share. */
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
