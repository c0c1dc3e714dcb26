/**
 * DKLs23 signing (paper Protocol 3.6; docs/dkls23.md, Signing): any t holders of a key sign a
 * 32-byte digest in three rounds; anyone combines the last broadcasts into an ordinary ECDSA
 * signature. For every ordered pair (i, j) of signers one multiplication runs with i as Alice
 * (inputs r_i and sk_i) and j as Bob (random input χ_{j,i}).
 *
 *   round 1: broadcast a commitment to R_i = r_i·G; to each j, Bob's multiplication message
 *   round 2: broadcast R_i (opening) and pk_i = sk_i·G; to each j, Alice's answer,
 *            Γ^u = c^u·G, Γ^v = c^v·G and ψ = φ_i − χ_{i,j}
 *   round 3: check every opening, χ·R_j = d^u·G + Γ^u, χ·pk_j = d^v·G + Γ^v and Σ pk_j = pk,
 *            then broadcast u_i = r_i·Φ_i + Σ(c^u + d^u) and w_i = e·φ_i + x(R)·v_i
 *   combine: s = Σ w / Σ u, low-S, recovery id, verified under the group key
 *
 * sk_i = λ_i·p(i) + ζ_i is the party's additive share of the key among the signers (ζ a sharing
 * of zero). Everything is bound to one signing sid derived from the key, the caller's sid, the
 * signers and the digest, fixed before R_i leaves the party. A failed check names the party it
 * blames; the caller must never run that key's set-up with it again (docs/dkls23.md, Bans).
 *
 * @module
 */
import { randomBytes } from '@noble/hashes/utils.js';
import type { GroupElement } from '../group/group.js';
import type { RandomBytes } from '../group/scalar-field.js';
import { lagrangeCoefficient, baseTimes } from '../frost/engine/polynomial.js';
import { commit, openCommitment } from './commitment.js';
import { finishEcdsaSignature } from './ecdsa-output.js';
import { DklsError } from './errors.js';
import { parseInput, SidSchema } from './input.js';
import { lengthPrefixed, taggedHash, u64 } from './hashes.js';
import type { DklsKeyShare } from './keygen.js';
import { mulAliceRespond, mulBobFinish, mulBobStart, type MulBobState } from './multiplication.js';
import { Fn } from './field.js';
import { dklsSuite } from './suite.js';
import { zeroShare } from './zero-sharing.js';
import { SigningSecrets } from './signing-secrets.js';
import { blame, bytesFrom, expectFrom, pointFrom, scalarFrom } from './received.js';

const COMMITMENT_TAG = 'dkls23/sign/nonce-commitment/v1';

export interface SignParams {
  /** The caller's id of this signing, 1–256 bytes; never reused for the key. */
  sid: Uint8Array;
  /** The t signers' indices, self included. */
  signers: readonly number[];
  /** The 32-byte message digest signed. */
  digest: Uint8Array;
}

export interface SignBroadcast1 {
  commitment: Uint8Array;
}
export interface SignDirect1 {
  mul: Uint8Array;
}
export interface SignBroadcast2 {
  R: Uint8Array;
  salt: Uint8Array;
  pk: Uint8Array;
}
export interface SignDirect2 {
  mul: Uint8Array;
  gammaU: Uint8Array;
  gammaV: Uint8Array;
  psi: Uint8Array;
}
export interface SignBroadcast3 {
  u: Uint8Array;
  w: Uint8Array;
}

/** A party's secrets of one signing: per-signature, never reused, never stored in clear. */
export interface SignState1 {
  key: DklsKeyShare;
  signSid: Uint8Array;
  signers: number[];
  digest: Uint8Array;
  /** r_i, φ_i, sk_i: shared by every copy of this state, each round takes them once. */
  secrets: SigningSecrets;
  R: GroupElement;
  salt: Uint8Array;
  bob: Map<number, { state: MulBobState; chi: bigint }>;
}
export interface SignState2 extends SignState1 {
  commitments: Map<number, Uint8Array>;
  cU: Map<number, bigint>;
  cV: Map<number, bigint>;
}

/** The sid every piece of this signing derives from; all signers compute the same. */
export function signingSid(keySid: Uint8Array, params: SignParams): Uint8Array {
  const signers = [...params.signers].sort((a, b) => a - b).map(u64);
  return taggedHash(
    'dkls23/sign/sid/v1',
    keySid,
    params.sid,
    lengthPrefixed(signers),
    params.digest,
  );
}

function mulSid(signSid: Uint8Array, alice: number, bob: number): Uint8Array {
  return taggedHash('dkls23/sign/mul/v1', signSid, u64(alice), u64(bob));
}

function commitmentMessage(signSid: Uint8Array, index: number, R: Uint8Array): Uint8Array {
  return lengthPrefixed([signSid, u64(index), R]);
}

/** Checks the signer set against the key: t distinct indices of holders. Throws otherwise. */
export function checkSigners(
  key: Pick<DklsKeyShare, 'threshold' | 'parties'>,
  signers: readonly number[],
): number[] {
  const sorted = [...signers].sort((a, b) => a - b);
  const valid =
    sorted.length === key.threshold &&
    new Set(sorted).size === sorted.length &&
    sorted.every((j) => Number.isInteger(j) && j >= 1 && j <= key.parties);
  if (!valid) {
    throw new DklsError(
      'INVALID_OT_INPUT',
      `need ${key.threshold} distinct signers among 1..${key.parties}, got ${signers.join(', ')}`,
    );
  }
  return sorted;
}

/** The sid, the digest and the signer set of a signing; throws INVALID_OT_INPUT otherwise. */
function checkSigning(
  key: Pick<DklsKeyShare, 'threshold' | 'parties'>,
  params: SignParams,
): number[] {
  parseInput(SidSchema, params.sid, 'the signing sid');
  if (!(params.digest instanceof Uint8Array) || params.digest.length !== 32) {
    throw new DklsError('INVALID_OT_INPUT', 'the digest must be 32 bytes');
  }
  return checkSigners(key, params.signers);
}

function checkParams(key: DklsKeyShare, params: SignParams): number[] {
  const signers = checkSigning(key, params);
  if (!signers.includes(key.self)) {
    throw new DklsError('INVALID_OT_INPUT', `party ${key.self} is not among the signers`);
  }
  return signers;
}

function othersOf(state: SignState1): number[] {
  return state.signers.filter((j) => j !== state.key.self);
}

export function signRound1(
  key: DklsKeyShare,
  params: SignParams,
  rng: RandomBytes = randomBytes,
): { state: SignState1; broadcast: SignBroadcast1; direct: Map<number, SignDirect1> } {
  const signers = checkParams(key, params);
  const self = key.self;
  const signSid = signingSid(key.sid, params);
  const xs = signers.map(BigInt);
  const lambda = lagrangeCoefficient(Fn, xs, BigInt(self));
  const zeta = zeroShare(self, signers, key.zeroSeeds, signSid);
  const sk = Fn.add(Fn.mul(lambda, key.signingShare), zeta);
  const r = Fn.random(rng);
  const phi = Fn.random(rng);
  const R = dklsSuite.group.BASE.multiply(r);
  const { commitment, salt } = commit(
    COMMITMENT_TAG,
    commitmentMessage(signSid, self, R.toBytes()),
    rng,
  );
  const bob = new Map<number, { state: MulBobState; chi: bigint }>();
  const direct = new Map<number, SignDirect1>();
  for (const j of signers.filter((j) => j !== self)) {
    const setup = key.mulBob.get(j);
    if (!setup) throw new DklsError('INVALID_OT_INPUT', `the key has no set-up with party ${j}`);
    const { state, message, chi } = mulBobStart(setup, mulSid(signSid, j, self), rng);
    bob.set(j, { state, chi });
    direct.set(j, { mul: message });
  }
  return {
    state: {
      key,
      signSid,
      signers,
      digest: params.digest,
      secrets: new SigningSecrets({ r, phi, sk }),
      R,
      salt,
      bob,
    },
    broadcast: { commitment },
    direct,
  };
}

export function signRound2(
  state: SignState1,
  broadcasts: ReadonlyMap<number, SignBroadcast1>,
  directs: ReadonlyMap<number, SignDirect1>,
  rng: RandomBytes = randomBytes,
): { state: SignState2; broadcast: SignBroadcast2; direct: Map<number, SignDirect2> } {
  const others = othersOf(state);
  expectFrom(others, 'round-1 broadcasts', broadcasts);
  expectFrom(others, 'round-1 messages', directs);
  const { r, phi, sk } = SigningSecrets.take(state, 2);
  const { key, signSid } = state;
  const commitments = new Map<number, Uint8Array>();
  for (const j of others) {
    commitments.set(j, bytesFrom(j, 'the commitment', broadcasts.get(j)?.commitment, 32));
  }
  const cU = new Map<number, bigint>();
  const cV = new Map<number, bigint>();
  const direct = new Map<number, SignDirect2>();
  for (const j of others) {
    const setup = key.mulAlice.get(j);
    if (!setup) throw new DklsError('INVALID_OT_INPUT', `the key has no set-up with party ${j}`);
    const message = bytesFrom(j, 'the multiplication message', directs.get(j)?.mul);
    const { shares, message: reply } = blame(j, () =>
      mulAliceRespond(setup, mulSid(signSid, key.self, j), [r, sk], message, rng),
    );
    const [u, v] = shares;
    cU.set(j, u);
    cV.set(j, v);
    direct.set(j, {
      mul: reply,
      gammaU: baseTimes(dklsSuite.group, u).toBytes(),
      gammaV: baseTimes(dklsSuite.group, v).toBytes(),
      psi: Fn.toBytes(Fn.sub(phi, state.bob.get(j)!.chi)),
    });
  }
  const pk = dklsSuite.group.BASE.multiply(sk);
  return {
    state: { ...state, commitments, cU, cV },
    broadcast: { R: state.R.toBytes(), salt: state.salt, pk: pk.toBytes() },
    direct,
  };
}

/** The public values of round 2, each opening checked against its round-1 commitment. */
function openedNonces(
  signSid: Uint8Array,
  commitments: ReadonlyMap<number, Uint8Array>,
  broadcasts: ReadonlyMap<number, SignBroadcast2>,
  from: readonly number[],
) {
  const R = new Map<number, GroupElement>();
  const pk = new Map<number, GroupElement>();
  for (const j of from) {
    const message = broadcasts.get(j)!;
    const Rj = pointFrom(j, 'R', message.R);
    const salt = bytesFrom(j, 'the salt', message.salt, 32);
    const opened = openCommitment(
      COMMITMENT_TAG,
      commitments.get(j)!,
      commitmentMessage(signSid, j, message.R),
      salt,
    );
    if (!opened) {
      throw new DklsError('COMMITMENT_MISMATCH', `party ${j} opened R to another value`, [j]);
    }
    R.set(j, Rj);
    pk.set(j, pointFrom(j, 'pk', message.pk));
  }
  return { R, pk };
}

/** x(R) mod n; throws if R is the identity. */
function xOf(R: GroupElement): bigint {
  if (R.is0()) throw new DklsError('SIGNING_CHECK_FAILED', 'the combined nonce R is the identity');
  return Fn.reduceBytes(R.toBytes().subarray(1));
}

export function signRound3(
  state: SignState2,
  broadcasts: ReadonlyMap<number, SignBroadcast2>,
  directs: ReadonlyMap<number, SignDirect2>,
): { broadcast: SignBroadcast3 } {
  const others = othersOf(state);
  expectFrom(others, 'round-2 broadcasts', broadcasts);
  expectFrom(others, 'round-2 messages', directs);
  const { r, phi, sk } = SigningSecrets.take(state, 3);
  const { key, signSid } = state;
  const group = dklsSuite.group;
  const opened = openedNonces(signSid, state.commitments, broadcasts, others);
  let sumU = 0n;
  let sumV = 0n;
  let Phi = phi;
  let pkSum = group.BASE.multiply(sk);
  let R = state.R;
  for (const j of others) {
    const message = directs.get(j)!;
    const gammaU = pointFrom(j, 'Γ^u', message.gammaU);
    const gammaV = pointFrom(j, 'Γ^v', message.gammaV);
    const psi = scalarFrom(j, 'ψ', message.psi);
    const { state: bobState, chi } = state.bob.get(j)!;
    const answer = bytesFrom(j, 'the multiplication answer', message.mul);
    const [dU, dV] = blame(j, () => mulBobFinish(bobState, answer));
    const Rj = opened.R.get(j)!;
    const pkj = opened.pk.get(j)!;
    const holds =
      Rj.multiply(chi).equals(baseTimes(group, dU).add(gammaU)) &&
      pkj.multiply(chi).equals(baseTimes(group, dV).add(gammaV));
    if (!holds) {
      throw new DklsError(
        'SIGNING_CHECK_FAILED',
        `party ${j}'s R or pk does not match its multiplication`,
        [j],
      );
    }
    sumU = Fn.add(sumU, Fn.add(state.cU.get(j)!, dU));
    sumV = Fn.add(sumV, Fn.add(state.cV.get(j)!, dV));
    Phi = Fn.add(Phi, psi);
    pkSum = pkSum.add(pkj);
    R = R.add(Rj);
  }
  if (!pkSum.equals(key.groupKey)) {
    // Σ pk_j = pk fails: someone used a wrong key share or ζ; the check cannot tell who.
    throw new DklsError(
      'SIGNING_CHECK_FAILED',
      'the signers’ key shares do not add up to the group key',
    );
  }
  const rx = xOf(R);
  const e = Fn.reduceBytes(state.digest);
  const u = Fn.add(Fn.mul(r, Phi), sumU);
  const v = Fn.add(Fn.mul(sk, Phi), sumV);
  const w = Fn.add(Fn.mul(e, phi), Fn.mul(rx, v));
  return { broadcast: { u: Fn.toBytes(u), w: Fn.toBytes(w) } };
}

export interface SigningTranscript {
  round1: ReadonlyMap<number, SignBroadcast1>;
  round2: ReadonlyMap<number, SignBroadcast2>;
  round3: ReadonlyMap<number, SignBroadcast3>;
}

/**
 * The combine, by anyone who saw the three broadcasts of every signer (the server): every
 * opening checked, Σ pk_j = pk, s = Σ w / Σ u, then low-S, the recovery id and an ECDSA
 * verification under the group key. A failure here cannot name a party (docs/dkls23.md).
 */
export function combineSignature(
  key: Pick<DklsKeyShare, 'sid' | 'threshold' | 'parties' | 'groupKey'>,
  params: SignParams,
  transcript: SigningTranscript,
): ReturnType<typeof finishEcdsaSignature> {
  const signers = checkSigning(key, params);
  const signSid = signingSid(key.sid, params);
  for (const [what, messages] of Object.entries(transcript)) {
    expectFrom(signers, `${what} broadcasts`, messages as ReadonlyMap<number, unknown>);
  }
  const commitments = new Map(
    signers.map((j) => [
      j,
      bytesFrom(j, 'the commitment', transcript.round1.get(j)?.commitment, 32),
    ]),
  );
  const opened = openedNonces(signSid, commitments, transcript.round2, signers);
  const group = dklsSuite.group;
  const R = signers.reduce((acc, j) => acc.add(opened.R.get(j)!), group.ZERO);
  const pk = signers.reduce((acc, j) => acc.add(opened.pk.get(j)!), group.ZERO);
  if (!pk.equals(key.groupKey)) {
    throw new DklsError(
      'SIGNING_CHECK_FAILED',
      'the signers’ key shares do not add up to the group key',
    );
  }
  xOf(R);
  let sumU = 0n;
  let sumW = 0n;
  for (const j of signers) {
    const message = transcript.round3.get(j)!;
    sumU = Fn.add(sumU, scalarFrom(j, 'u', message.u));
    sumW = Fn.add(sumW, scalarFrom(j, 'w', message.w));
  }
  if (sumU === 0n) throw new DklsError('SIGNATURE_INVALID', 'Σ u is zero');
  return finishEcdsaSignature(R, Fn.mul(sumW, Fn.inv(sumU)), params.digest, key.groupKey);
}

/**
 * The server's check of one signer's round-2 broadcast as it arrives: it opens the signer's
 * round-1 commitment to R_j (COMMITMENT_MISMATCH naming it) and carries valid points
 * (INVALID_PROTOCOL_MESSAGE naming it). Every co-signer checks the same in round 3.
 */
export function checkRevealedNonce(
  key: Pick<DklsKeyShare, 'sid' | 'threshold' | 'parties'>,
  params: SignParams,
  from: number,
  round1: SignBroadcast1,
  round2: SignBroadcast2,
): void {
  checkSigning(key, params);
  const signSid = signingSid(key.sid, params);
  const commitment = bytesFrom(from, 'the commitment', round1.commitment, 32);
  openedNonces(signSid, new Map([[from, commitment]]), new Map([[from, round2]]), [from]);
}
