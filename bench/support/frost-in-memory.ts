// The crypto-only baseline of the session suites: the same FROST computation a t-of-n keygen
// followed by a signing makes in the real system — every participant's DKG rounds and signing
// share, and the coordinator's checks as the server does them (each round-1 proof of knowledge
// on submission, the expected confirmation, aggregate + verify) — in memory on one thread,
// with no server, no network, no storage. End-to-end encryption of the round-2 shares, escrow
// and keystore sealing are not FROST and are left out: they are part of the measured overhead.
import { runDkg, signRound } from '../../harness/frost-rounds.js';
import {
  aggregate,
  verifyRound1,
  verifySignature,
  type Scheme,
} from '../../protocol/frost/index.js';

export interface CryptoTimes {
  keygenMs: number;
  signMs: number;
}

/** The participants' DKG output and the group's public keys. */
export type InMemoryKey = ReturnType<typeof runDkg>;

/** A t-of-n keygen, with the server's check of every round-1 package; throws if one fails. */
export function cryptoKeygen(scheme: Scheme, t: number, n: number): InMemoryKey {
  const dkg = runDkg(scheme, t, n);
  for (const [index, pkg] of Object.entries(dkg.round1)) {
    if (!verifyRound1(scheme, Number(index), t, pkg).ok) throw new Error('round-1 package refused');
  }
  return dkg;
}

/** A signing by the first t participants, aggregated and verified; throws if it does not verify. */
export function cryptoSign(scheme: Scheme, key: InMemoryKey, t: number, message: string): void {
  const signers = Array.from({ length: t }, (_, k) => k + 1);
  const round = signRound(scheme, key.outputs, signers, message);
  const signature = aggregate(scheme, key.publicKeyPackage, round.signingPackage, round.shares);
  if (!verifySignature(scheme, key.expected.groupPublicKey, message, signature)) {
    throw new Error('crypto-only signature does not verify');
  }
}

/** One t-of-n keygen and one signing by the first t participants; throws if anything fails. */
export function cryptoOnlySession(
  scheme: Scheme,
  t: number,
  n: number,
  message: string,
): CryptoTimes {
  const t0 = performance.now();
  const key = cryptoKeygen(scheme, t, n);
  const t1 = performance.now();
  cryptoSign(scheme, key, t, message);
  return { keygenMs: t1 - t0, signMs: performance.now() - t1 };
}
