/**
 * DKLs23 keygen among parties 1..n with threshold t (docs/dkls23.md, Keygen): the FROST DKG's
 * Feldman VSS with proofs of knowledge (on our FROST engine, under the DKLs23 context string),
 * a zero-sharing seed per pair, and the multiplication set-up of every ordered pair (its base
 * OTs). Three steps per party, two rounds of messages:
 *
 *   round 1: broadcast the VSS commitments and the proof of knowledge of a_0;
 *            to each j, the set-up start of the pair (self as Alice, j as Bob)
 *   round 2: to each j (secret: the session layer encrypts it end to end), the share f_self(j),
 *            a zero-seed contribution, and the set-up answer of the pair (j as Alice, self as Bob)
 *   finish:  check every share against its commitments, sum the shares, finish the set-ups
 *
 * A proof or a share that does not verify names its sender. Pure functions; messages are bytes
 * fields checked here, states are plain objects held by the party (secret).
 *
 * @module
 */
import type { RandomBytes } from '../group/scalar-field.js';
import type { GroupElement } from '../group/group.js';
import { proveKnowledge, secretPolynomial, keyFromCommitments } from '../frost/engine/dkg.js';
import { invalidProofs, invalidShares } from '../frost/engine/batch.js';
import { evaluatePolynomial } from '../frost/engine/polynomial.js';
import { decodeSignature } from '../frost/engine/schnorr.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { DklsError } from './errors.js';
import { parseInput, randomFrom, SidSchema } from './input.js';
import { taggedHash, u64 } from './hashes.js';
import {
  mulSetupAliceFinish,
  mulSetupAliceStart,
  mulSetupBobRespond,
  type MulAliceSetup,
  type MulBobSetup,
  type MulSetupAliceState,
} from './multiplication.js';
import { Fn } from './field.js';
import { dklsSuite } from './suite.js';
import { ZERO_SEED_BYTES, pairSeed } from './zero-sharing.js';
import { blame, bytesFrom, expectFrom, invalidMessage, scalarFrom } from './received.js';

export const MAX_PARTIES = 255;

export interface KeygenParams {
  /** The keygen's session id, 1–256 bytes, unique per keygen. */
  sid: Uint8Array;
  threshold: number;
  parties: number;
  /** This party's index, 1..parties. */
  self: number;
}

export interface KeygenBroadcast1 {
  /** t SEC1 compressed points φ_0..φ_{t−1}. */
  commitments: Uint8Array[];
  /** R ‖ μ, 65 bytes. */
  proof: Uint8Array;
}
export interface KeygenDirect1 {
  mulSetup: Uint8Array;
}
export interface KeygenDirect2 {
  /** f_sender(receiver), 32 bytes. Secret. */
  share: Uint8Array;
  /** The sender's contribution to the pair's zero-sharing seed. Secret. */
  zeroSeed: Uint8Array;
  mulSetup: Uint8Array;
}

export interface KeygenState1 {
  params: KeygenParams;
  coefficients: bigint[];
  aliceStates: Map<number, MulSetupAliceState>;
}
export interface KeygenState2 extends KeygenState1 {
  commitments: Map<number, GroupElement[]>;
  bobSetups: Map<number, MulBobSetup>;
  zeroSeeds: Map<number, Uint8Array>;
}

/** What a party holds for the key's life. Secret: the signing share and every set-up. */
export interface DklsKeyShare {
  sid: Uint8Array;
  threshold: number;
  parties: number;
  self: number;
  signingShare: bigint;
  groupKey: GroupElement;
  /** P(j) for j = 1..n, in order. */
  verifyingShares: GroupElement[];
  /** With each other party j: the pair's zero-sharing seed. */
  zeroSeeds: Map<number, Uint8Array>;
  /** With each other party j: this party as Alice (j as Bob). */
  mulAlice: Map<number, MulAliceSetup>;
  /** With each other party j: this party as Bob (j as Alice). */
  mulBob: Map<number, MulBobSetup>;
}

function others({ parties, self }: KeygenParams): number[] {
  return Array.from({ length: parties }, (_, k) => k + 1).filter((j) => j !== self);
}

/** The sid of the multiplication set-up with `alice` as Alice and `bob` as Bob. */
export function mulSetupSid(keygenSid: Uint8Array, alice: number, bob: number): Uint8Array {
  return taggedHash('dkls23/keygen/mul-setup/v1', keygenSid, u64(alice), u64(bob));
}

/** What every proof of knowledge binds besides the prover's index: this keygen's sid, t and n. */
function proofContext({ sid, threshold, parties }: KeygenParams): Uint8Array {
  return taggedHash('dkls23/keygen/proof-context/v1', sid, u64(threshold), u64(parties));
}

function checkParams(params: KeygenParams): void {
  const { sid, threshold: t, parties: n, self } = params;
  const int = Number.isInteger;
  parseInput(SidSchema, sid, 'the keygen sid');
  if (!int(t) || !int(n) || t < 2 || n < t || n > MAX_PARTIES) {
    throw new DklsError('INVALID_OT_INPUT', `need 2 ≤ t ≤ n ≤ ${MAX_PARTIES}, got t=${t}, n=${n}`);
  }
  if (!int(self) || self < 1 || self > n) {
    throw new DklsError('INVALID_OT_INPUT', `party index must be 1..${n}, got ${self}`);
  }
}

export function keygenRound1(
  params: KeygenParams,
  rng: RandomBytes = randomBytes,
): { state: KeygenState1; broadcast: KeygenBroadcast1; direct: Map<number, KeygenDirect1> } {
  checkParams(params);
  const { coefficients, commitments } = secretPolynomial(dklsSuite, params.threshold, rng);
  const id = BigInt(params.self);
  const context = proofContext(params);
  const proof = proveKnowledge(dklsSuite, id, coefficients[0]!, commitments[0]!, rng, context);
  const aliceStates = new Map<number, MulSetupAliceState>();
  const direct = new Map<number, KeygenDirect1>();
  for (const j of others(params)) {
    const { state, message } = mulSetupAliceStart(mulSetupSid(params.sid, params.self, j), rng);
    aliceStates.set(j, state);
    direct.set(j, { mulSetup: message });
  }
  return {
    state: { params, coefficients, aliceStates },
    broadcast: { commitments: commitments.map((C) => C.toBytes()), proof },
    direct,
  };
}

function decodeBroadcast(t: number, from: number, message: KeygenBroadcast1) {
  const { commitments, proof } = message ?? {};
  if (!Array.isArray(commitments) || commitments.length !== t) {
    throw invalidMessage(`party ${from} must commit to exactly ${t} coefficients`, [from]);
  }
  try {
    const points = commitments.map((C) =>
      dklsSuite.elementFromBytes(bytesFrom(from, 'a commitment', C, dklsSuite.elementBytes)),
    );
    const { R, z } = decodeSignature(
      dklsSuite,
      bytesFrom(from, 'the proof', proof, dklsSuite.signatureBytes),
    );
    return { points, R, mu: z };
  } catch (cause) {
    if (cause instanceof DklsError) throw cause;
    throw invalidMessage(`party ${from} sent an invalid point or scalar`, [from]);
  }
}

export function keygenRound2(
  state: KeygenState1,
  broadcasts: ReadonlyMap<number, KeygenBroadcast1>,
  directs: ReadonlyMap<number, KeygenDirect1>,
  rng: RandomBytes = randomBytes,
): { state: KeygenState2; direct: Map<number, KeygenDirect2> } {
  const { params, coefficients } = state;
  expectFrom(others(params), 'round-1 broadcasts', broadcasts);
  expectFrom(others(params), 'round-1 messages', directs);
  const commitments = new Map<number, GroupElement[]>();
  const context = proofContext(params);
  const claims = others(params).map((j) => {
    const { points, R, mu } = decodeBroadcast(params.threshold, j, broadcasts.get(j)!);
    commitments.set(j, points);
    return { index: j, id: BigInt(j), phi0: points[0]!, R, mu, context };
  });
  const bad = invalidProofs(dklsSuite, claims);
  if (bad.length > 0) {
    throw new DklsError('PROOF_INVALID', `bad proof of knowledge from ${bad.join(', ')}`, bad);
  }
  const bobSetups = new Map<number, MulBobSetup>();
  const zeroSeeds = new Map<number, Uint8Array>();
  const direct = new Map<number, KeygenDirect2>();
  for (const j of others(params)) {
    const sid = mulSetupSid(params.sid, j, params.self);
    const start = bytesFrom(j, 'the set-up start', directs.get(j)?.mulSetup);
    const answer = blame(j, () => mulSetupBobRespond(sid, start));
    bobSetups.set(j, answer.setup);
    const zeroSeed = randomFrom(rng, ZERO_SEED_BYTES);
    zeroSeeds.set(j, zeroSeed);
    const share = Fn.toBytes(evaluatePolynomial(Fn, coefficients, BigInt(j)));
    direct.set(j, { share, zeroSeed, mulSetup: answer.message });
  }
  commitments.set(
    params.self,
    state.coefficients.map((a) => dklsSuite.group.BASE.multiply(a)),
  );
  return { state: { ...state, commitments, bobSetups, zeroSeeds }, direct };
}

export function keygenFinish(
  state: KeygenState2,
  directs: ReadonlyMap<number, KeygenDirect2>,
): DklsKeyShare {
  const { params, coefficients, commitments } = state;
  expectFrom(others(params), 'round-2 messages', directs);
  const x = BigInt(params.self);
  const claims = others(params).map((j) => {
    const message = directs.get(j)!;
    const share = scalarFrom(j, 'the share', message.share);
    bytesFrom(j, 'the zero seed', message.zeroSeed, ZERO_SEED_BYTES);
    bytesFrom(j, 'the set-up answer', message.mulSetup);
    return { index: j, share, commitments: commitments.get(j)! };
  });
  const bad = invalidShares(dklsSuite, x, claims);
  if (bad.length > 0) {
    throw new DklsError('PROOF_INVALID', `shares failing VSS from ${bad.join(', ')}`, bad);
  }
  const signingShare = claims.reduce(
    (acc, c) => Fn.add(acc, c.share),
    evaluatePolynomial(Fn, coefficients, x),
  );
  const all = Array.from({ length: params.parties }, (_, k) => commitments.get(k + 1)!);
  const { groupKey, verifyingShares } = keyFromCommitments(dklsSuite, params.parties, all);
  if (groupKey.is0() || signingShare === 0n) {
    // Only a dishonest majority can force this; nobody can be named.
    throw new DklsError('PROOF_INVALID', 'the group key or the signing share is zero');
  }
  const mulAlice = new Map<number, MulAliceSetup>();
  const zeroSeeds = new Map<number, Uint8Array>();
  for (const j of others(params)) {
    const message = directs.get(j)!;
    const aliceState = state.aliceStates.get(j)!;
    mulAlice.set(
      j,
      blame(j, () => mulSetupAliceFinish(aliceState, message.mulSetup)),
    );
    zeroSeeds.set(j, pairSeed(state.zeroSeeds.get(j)!, message.zeroSeed));
  }
  return {
    sid: params.sid,
    threshold: params.threshold,
    parties: params.parties,
    self: params.self,
    signingShare,
    groupKey,
    verifyingShares,
    zeroSeeds,
    mulAlice,
    mulBob: state.bobSetups,
  };
}

/** The public parameters of a keygen: what the server knows (no party index). */
export type KeygenPublicParams = Omit<KeygenParams, 'self'>;

/**
 * The server's check of one round-1 broadcast, as every party runs it: exactly t commitments,
 * valid points, and the proof of knowledge under this keygen's sid, t and n. Throws a
 * `DklsError` naming `from` (PROOF_INVALID or INVALID_PROTOCOL_MESSAGE).
 */
export function checkKeygenBroadcast(
  params: KeygenPublicParams,
  from: number,
  message: KeygenBroadcast1,
): void {
  checkParams({ ...params, self: from });
  const { points, R, mu } = decodeBroadcast(params.threshold, from, message);
  const context = proofContext({ ...params, self: from });
  const claim = { index: from, id: BigInt(from), phi0: points[0]!, R, mu, context };
  if (invalidProofs(dklsSuite, [claim]).length > 0) {
    throw new DklsError('PROOF_INVALID', `bad proof of knowledge from ${from}`, [from]);
  }
}

/** The group key and every verifying share P(1..n) that the round-1 broadcasts imply. */
export function keyFromBroadcasts(
  params: KeygenPublicParams,
  broadcasts: ReadonlyMap<number, KeygenBroadcast1>,
): { groupKey: GroupElement; verifyingShares: GroupElement[] } {
  const all = Array.from({ length: params.parties }, (_, k) => {
    const message = broadcasts.get(k + 1);
    if (!message) throw invalidMessage(`no round-1 broadcast from ${k + 1}`, [k + 1]);
    return decodeBroadcast(params.threshold, k + 1, message).points;
  });
  return keyFromCommitments(dklsSuite, params.parties, all);
}
