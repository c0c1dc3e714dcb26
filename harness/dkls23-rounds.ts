// Runs DKLs23 keygen and signing among in-process parties, routing each message to its
// recipient, with a hook to tamper with any message in flight (a cheating party).
import { randomBytes } from '@noble/hashes/utils.js';
import {
  keygenFinish,
  keygenRound1,
  keygenRound2,
  type DklsKeyShare,
  type KeygenBroadcast1,
  type KeygenDirect1,
  type KeygenDirect2,
} from '../protocol/dkls23/keygen.js';
import {
  combineSignature,
  signRound1,
  signRound2,
  signRound3,
  type SignBroadcast1,
  type SignBroadcast2,
  type SignBroadcast3,
  type SignDirect1,
  type SignDirect2,
  type SignParams,
  type SignState2,
} from '../protocol/dkls23/signing.js';

const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);

/** Messages one party received in one round: from sender to content. */
type Inbox<T> = Map<number, T>;

/** Delivers `from`'s message for `to` after `tamper` (identity by default). */
function deliver<T>(
  inboxes: Map<number, Inbox<T>>,
  from: number,
  to: number,
  message: T,
  tamper?: (from: number, to: number, message: T) => T,
) {
  inboxes.get(to)!.set(from, tamper ? tamper(from, to, message) : message);
}

export interface KeygenTamper {
  broadcast1?: (from: number, to: number, m: KeygenBroadcast1) => KeygenBroadcast1;
  direct1?: (from: number, to: number, m: KeygenDirect1) => KeygenDirect1;
  direct2?: (from: number, to: number, m: KeygenDirect2) => KeygenDirect2;
}

/** Keygen of t-of-n; returns every party's key share (index k−1 for party k). */
export function runKeygen(t: number, n: number, tamper: KeygenTamper = {}): DklsKeyShare[] {
  const sid = randomBytes(32);
  const parties = range(n);
  const inbox = <T>() => new Map(parties.map((p) => [p, new Map<number, T>()]));
  const r1 = parties.map((self) => keygenRound1({ sid, threshold: t, parties: n, self }));
  const b1 = inbox<KeygenBroadcast1>();
  const d1 = inbox<KeygenDirect1>();
  r1.forEach(({ broadcast, direct }, k) => {
    for (const to of parties.filter((p) => p !== k + 1)) {
      deliver(b1, k + 1, to, broadcast, tamper.broadcast1);
      deliver(d1, k + 1, to, direct.get(to)!, tamper.direct1);
    }
  });
  const r2 = parties.map((self) => keygenRound2(r1[self - 1]!.state, b1.get(self)!, d1.get(self)!));
  const d2 = inbox<KeygenDirect2>();
  r2.forEach(({ direct }, k) => {
    for (const [to, message] of direct) deliver(d2, k + 1, to, message, tamper.direct2);
  });
  return parties.map((self) => keygenFinish(r2[self - 1]!.state, d2.get(self)!));
}

export interface SignTamper {
  broadcast1?: (from: number, to: number, m: SignBroadcast1) => SignBroadcast1;
  direct1?: (from: number, to: number, m: SignDirect1) => SignDirect1;
  broadcast2?: (from: number, to: number, m: SignBroadcast2) => SignBroadcast2;
  direct2?: (from: number, to: number, m: SignDirect2) => SignDirect2;
  broadcast3?: (from: number, m: SignBroadcast3) => SignBroadcast3;
}

/** Signing by `signers` (1-based) of `digest`; the combine sees what the server would. */
export function runSigning(
  keys: readonly DklsKeyShare[],
  signers: readonly number[],
  digest: Uint8Array,
  tamper: SignTamper = {},
  sid: Uint8Array = randomBytes(16),
) {
  const params: SignParams = { sid, signers, digest };
  const inbox = <T>() => new Map(signers.map((p) => [p, new Map<number, T>()]));
  const others = (self: number) => signers.filter((p) => p !== self);
  const round1 = new Map(signers.map((s) => [s, signRound1(keys[s - 1]!, params)]));
  const b1 = inbox<SignBroadcast1>();
  const d1 = inbox<SignDirect1>();
  for (const [from, { broadcast, direct }] of round1) {
    for (const to of others(from)) {
      deliver(b1, from, to, broadcast, tamper.broadcast1);
      deliver(d1, from, to, direct.get(to)!, tamper.direct1);
    }
  }
  const round2 = new Map(
    signers.map((s) => [s, signRound2(round1.get(s)!.state, b1.get(s)!, d1.get(s)!)]),
  );
  const b2 = inbox<SignBroadcast2>();
  const d2 = inbox<SignDirect2>();
  for (const [from, { broadcast, direct }] of round2) {
    for (const to of others(from)) {
      deliver(b2, from, to, broadcast, tamper.broadcast2);
      deliver(d2, from, to, direct.get(to)!, tamper.direct2);
    }
  }
  const states2 = new Map<number, SignState2>([...round2].map(([s, r]) => [s, r.state]));
  const round3 = new Map(
    signers.map((s) => [s, signRound3(states2.get(s)!, b2.get(s)!, d2.get(s)!).broadcast]),
  );
  const seen = (f?: (from: number, m: SignBroadcast3) => SignBroadcast3) =>
    new Map([...round3].map(([s, m]) => [s, f ? f(s, m) : m]));
  return combineSignature(keys[0]!, params, {
    round1: new Map([...round1].map(([s, r]) => [s, r.broadcast])),
    round2: new Map([...round2].map(([s, r]) => [s, r.broadcast])),
    round3: seen(tamper.broadcast3),
  });
}
