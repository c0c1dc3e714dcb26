/**
 * A party's DKLs23 key share as plain JSON (hex strings), for the agent's encrypted keystore and
 * the escrow (docs/dkls23.md, Keygen): `keyShareToRecord` writes it, `keyShareFromRecord` reads
 * it back strictly. Reading checks what a record can check by itself: sizes, indices, that the
 * signing share matches this party's verifying share, and one set-up and one seed in each role
 * with every other holder. The record is secret.
 *
 * @module
 */
import { z } from 'zod';
import type { GroupElement } from '../group/group.js';
import { bytesToHex, hexBytes, hexString, hexToBytes } from '../encoding.js';
import { DklsError } from './errors.js';
import { Fn } from './field.js';
import { parseInput } from './input.js';
import type { DklsKeyShare } from './keygen.js';
import { MAX_PARTIES, mulSetupSid } from './keygen.js';
import {
  MulAliceSetupSchema,
  MulBobSetupSchema,
  type MulAliceSetup,
  type MulBobSetup,
} from './multiplication.js';
import { dklsSuite } from './suite.js';
import { ZERO_SEED_BYTES } from './zero-sharing.js';

const Index = z.number().int().min(1).max(MAX_PARTIES);
/** Per other holder j (the key is j's index in decimal). */
const PerHolder = <T extends z.ZodType>(value: T) =>
  z.record(z.string().regex(/^[1-9]\d*$/), value);

export const DklsKeyShareRecordSchema = z
  .object({
    version: z.literal(1),
    sid: hexString({ min: 1, max: 256 }),
    threshold: z.number().int().min(2).max(MAX_PARTIES),
    parties: z.number().int().min(2).max(MAX_PARTIES),
    self: Index,
    signingShare: hexBytes(32),
    groupKey: hexBytes(33),
    verifyingShares: z.array(hexBytes(33)).min(2).max(MAX_PARTIES),
    zeroSeeds: PerHolder(hexBytes(ZERO_SEED_BYTES)),
    mulAlice: PerHolder(MulAliceSetupSchema),
    mulBob: PerHolder(MulBobSetupSchema),
  })
  .strict();

export type DklsKeyShareRecord = z.output<typeof DklsKeyShareRecordSchema>;

const byIndex = <T, U>(map: ReadonlyMap<number, T>, f: (value: T) => U): Record<string, U> =>
  Object.fromEntries([...map].sort(([a], [b]) => a - b).map(([j, v]) => [String(j), f(v)]));

export function keyShareToRecord(share: DklsKeyShare): DklsKeyShareRecord {
  return {
    version: 1,
    sid: bytesToHex(share.sid),
    threshold: share.threshold,
    parties: share.parties,
    self: share.self,
    signingShare: bytesToHex(Fn.toBytes(share.signingShare)),
    groupKey: bytesToHex(share.groupKey.toBytes()),
    verifyingShares: share.verifyingShares.map((P) => bytesToHex(P.toBytes())),
    zeroSeeds: byIndex(share.zeroSeeds, bytesToHex),
    mulAlice: byIndex(share.mulAlice, (setup) => setup),
    mulBob: byIndex(share.mulBob, (setup) => setup),
  };
}

function invalid(reason: string): DklsError {
  return new DklsError('INVALID_OT_INPUT', `key share record: ${reason}`);
}

/** λ_k(x) over the points 1..t: Π_{m≠k} (x − m)/(k − m). */
function lagrangeAt(t: number, k: number, x: number): bigint {
  let num = 1n;
  let den = 1n;
  for (let m = 1; m <= t; m++) {
    if (m === k) continue;
    num = Fn.mul(num, Fn.create(BigInt(x - m)));
    den = Fn.mul(den, Fn.create(BigInt(k - m)));
  }
  return Fn.mul(num, Fn.inv(den));
}

/** P(1..t) determine the polynomial: P(0) must be the group key and P(t+1..n) must follow. */
function onOnePolynomial(t: number, groupKey: GroupElement, shares: GroupElement[]): boolean {
  const base = shares.slice(0, t);
  const at = (x: number) =>
    dklsSuite.group.msm(
      base,
      base.map((_, k) => lagrangeAt(t, k + 1, x)),
    );
  return at(0).equals(groupKey) && shares.slice(t).every((P, k) => at(t + 1 + k).equals(P));
}

export function keyShareFromRecord(value: unknown): DklsKeyShare {
  const record = parseInput(DklsKeyShareRecordSchema, value, 'key share record');
  const { threshold: t, parties: n, self } = record;
  if (t > n || self > n) throw invalid(`need t ≤ n and self ≤ n, got t=${t}, n=${n}, self=${self}`);
  if (record.verifyingShares.length !== n) throw invalid(`needs ${n} verifying shares`);
  const others = Array.from({ length: n }, (_, k) => String(k + 1)).filter(
    (j) => j !== String(self),
  );
  for (const field of ['zeroSeeds', 'mulAlice', 'mulBob'] as const) {
    const keys = Object.keys(record[field]).sort();
    if (keys.join() !== [...others].sort().join()) {
      throw invalid(`${field} must hold exactly the other holders ${others.join(', ')}`);
    }
  }
  for (const j of others.map(Number)) {
    const asAlice = bytesToHex(mulSetupSid(hexToBytes(record.sid), self, j));
    const asBob = bytesToHex(mulSetupSid(hexToBytes(record.sid), j, self));
    if (record.mulAlice[j]!.sid !== asAlice || record.mulBob[j]!.sid !== asBob) {
      throw invalid(`the set-ups with holder ${j} belong to another keygen or pair`);
    }
  }
  let points;
  let signingShare: bigint;
  try {
    points = [record.groupKey, ...record.verifyingShares].map((h) =>
      dklsSuite.group.fromBytes(hexToBytes(h)),
    );
    signingShare = Fn.fromBytes(hexToBytes(record.signingShare));
  } catch {
    throw invalid('a point or the signing share does not decode');
  }
  const [groupKey, ...verifyingShares] = points;
  if (!onOnePolynomial(t, groupKey!, verifyingShares)) {
    throw invalid(
      `the verifying shares do not lie on one degree-${t - 1} polynomial through the group key`,
    );
  }
  if (
    signingShare === 0n ||
    !dklsSuite.group.BASE.multiply(signingShare).equals(verifyingShares[self - 1]!)
  ) {
    throw invalid('the signing share does not match this party’s verifying share');
  }
  const mapOf = <T, U>(entries: Record<string, T>, f: (v: T) => U) =>
    new Map(Object.entries(entries).map(([j, v]) => [Number(j), f(v)]));
  return {
    sid: hexToBytes(record.sid),
    threshold: t,
    parties: n,
    self,
    signingShare,
    groupKey: groupKey!,
    verifyingShares,
    zeroSeeds: mapOf(record.zeroSeeds, (h) => hexToBytes(h)),
    mulAlice: mapOf<MulAliceSetup, MulAliceSetup>(record.mulAlice, (s) => s),
    mulBob: mapOf<MulBobSetup, MulBobSetup>(record.mulBob, (s) => s),
  };
}
