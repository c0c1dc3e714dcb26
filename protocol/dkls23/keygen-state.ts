/**
 * A party's DKLs23 keygen state between rounds (`KeygenState1` after round 1, `KeygenState2`
 * after round 2) as plain JSON of hex strings, so the agent can seal it in its keystore and
 * continue a keygen after a restart (docs/participant.md). `keygenStateToRecord` writes it,
 * `keygenStateFromRecord` reads it back strictly: exact sizes, indices, t coefficients, one
 * set-up state per other party whose sid is the one keygen derives for that pair and
 * direction, and (after round 2) t commitments per party with our own matching our
 * coefficients. Anything else is `INVALID_OT_INPUT`. The record is secret: it holds the
 * polynomial and the base-OT secrets.
 *
 * @module
 */
import { z } from 'zod';
import { bytesToHex, hexBytes, hexToBytes } from '../encoding.js';
import type { GroupElement } from '../group/group.js';
import { BASE_OT_COUNT } from './base-ot.js';
import { DklsError } from './errors.js';
import { Fn } from './field.js';
import { parseInput, SidHexSchema } from './input.js';
import { DELTA_BYTES } from './ot-extension.js';
import { MAX_PARTIES, mulSetupSid, type KeygenState1, type KeygenState2 } from './keygen.js';
import { MulBobSetupSchema, type MulBobSetup, type MulSetupAliceState } from './multiplication.js';
import { dklsSuite } from './suite.js';
import { ZERO_SEED_BYTES } from './zero-sharing.js';

const Index = z.number().int().min(1).max(MAX_PARTIES);
/** One entry per party, keyed by its index in decimal. */
const ByIndex = <T extends z.ZodType>(value: T) => z.record(z.string().regex(/^[1-9]\d*$/), value);

/**
 * Alice's set-up state before the answer (`mulSetupAliceStart`): multiplication.ts keeps its
 * own schema private and checks `ot` only loosely, so the record pins the base-OT receiver
 * state's shape here; `mulSetupAliceFinish` still checks that Δ and the choice bits agree.
 */
const AliceStateSchema: z.ZodType<MulSetupAliceState> = z.strictObject({
  sid: SidHexSchema,
  delta: hexBytes(DELTA_BYTES),
  ot: z.strictObject({
    sid: SidHexSchema,
    choices: z.array(z.union([z.literal(0), z.literal(1)])).length(BASE_OT_COUNT),
    secrets: z.array(hexBytes(32)).length(BASE_OT_COUNT),
  }),
});

const common = {
  version: z.literal(1),
  sid: SidHexSchema,
  threshold: z.number().int().min(2).max(MAX_PARTIES),
  parties: z.number().int().min(2).max(MAX_PARTIES),
  self: Index,
  /** a_0..a_{t−1}, 32 bytes each. */
  coefficients: z.array(hexBytes(32)).min(2).max(MAX_PARTIES),
  aliceStates: ByIndex(AliceStateSchema),
};

export const KeygenStateRecordSchema = z.discriminatedUnion('step', [
  z.strictObject({ step: z.literal(1), ...common }),
  z.strictObject({
    step: z.literal(2),
    ...common,
    /** Every party's t commitments, ours included. */
    commitments: ByIndex(z.array(hexBytes(33)).min(2).max(MAX_PARTIES)),
    bobSetups: ByIndex(MulBobSetupSchema),
    zeroSeeds: ByIndex(hexBytes(ZERO_SEED_BYTES)),
  }),
]);
export type KeygenStateRecord = z.output<typeof KeygenStateRecordSchema>;

/** A state read back, tagged with the round it follows. */
export type StoredKeygenState = { step: 1; state: KeygenState1 } | { step: 2; state: KeygenState2 };

const sortedEntries = <T>(map: ReadonlyMap<number, T>) => [...map].sort(([a], [b]) => a - b);
const byIndex = <T, U>(map: ReadonlyMap<number, T>, f: (value: T) => U): Record<string, U> =>
  Object.fromEntries(sortedEntries(map).map(([j, v]) => [String(j), f(v)]));
const mapOf = <T, U>(entries: Record<string, T>, f: (value: T) => U): Map<number, U> =>
  new Map(Object.entries(entries).map(([j, v]) => [Number(j), f(v)]));

const isStep2 = (state: KeygenState1 | KeygenState2): state is KeygenState2 => 'bobSetups' in state;

export function keygenStateToRecord(state: KeygenState1 | KeygenState2): KeygenStateRecord {
  const { params } = state;
  const base = {
    version: 1 as const,
    sid: bytesToHex(params.sid),
    threshold: params.threshold,
    parties: params.parties,
    self: params.self,
    coefficients: state.coefficients.map((a) => bytesToHex(Fn.toBytes(a))),
    aliceStates: byIndex(state.aliceStates, (s) => s),
  };
  if (!isStep2(state)) return { step: 1, ...base };
  return {
    step: 2,
    ...base,
    commitments: byIndex(state.commitments, (points) => points.map((C) => bytesToHex(C.toBytes()))),
    bobSetups: byIndex(state.bobSetups, (s) => s),
    zeroSeeds: byIndex(state.zeroSeeds, bytesToHex),
  };
}

function invalid(reason: string): DklsError {
  return new DklsError('INVALID_OT_INPUT', `keygen state record: ${reason}`);
}

function expectKeys(field: string, entries: Record<string, unknown>, expected: number[]): void {
  const keys = Object.keys(entries).sort().join();
  if (keys !== expected.map(String).sort().join()) {
    throw invalid(`${field} must hold exactly the parties ${expected.join(', ')}`);
  }
}

function decode<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch {
    throw invalid(`${what} does not decode`);
  }
}

export function keygenStateFromRecord(value: unknown): StoredKeygenState {
  const record = parseInput(KeygenStateRecordSchema, value, 'keygen state record');
  const { threshold: t, parties: n, self } = record;
  if (t > n || self > n) throw invalid(`need t ≤ n and self ≤ n, got t=${t}, n=${n}, self=${self}`);
  if (record.coefficients.length !== t) throw invalid(`needs exactly ${t} coefficients`);
  const sid = hexToBytes(record.sid);
  const all = Array.from({ length: n }, (_, k) => k + 1);
  const others = all.filter((j) => j !== self);
  expectKeys('aliceStates', record.aliceStates, others);
  for (const j of others) {
    const state = record.aliceStates[j]!;
    const expected = bytesToHex(mulSetupSid(sid, self, j));
    if (state.sid !== expected || state.ot.sid !== expected) {
      throw invalid(`the set-up state with party ${j} belongs to another keygen or pair`);
    }
  }
  const coefficients = decode('a coefficient', () =>
    record.coefficients.map((a) => Fn.fromBytes(hexToBytes(a))),
  );
  const state1: KeygenState1 = {
    params: { sid, threshold: t, parties: n, self },
    coefficients,
    aliceStates: mapOf(record.aliceStates, (s) => s),
  };
  if (record.step === 1) return { step: 1, state: state1 };

  expectKeys('commitments', record.commitments, all);
  expectKeys('bobSetups', record.bobSetups, others);
  expectKeys('zeroSeeds', record.zeroSeeds, others);
  for (const j of others) {
    if (record.bobSetups[j]!.sid !== bytesToHex(mulSetupSid(sid, j, self))) {
      throw invalid(`the set-up with party ${j} as Alice belongs to another keygen or pair`);
    }
  }
  const commitments = mapOf(record.commitments, (points): GroupElement[] => {
    if (points.length !== t) throw invalid(`every party commits to exactly ${t} coefficients`);
    return decode('a commitment', () =>
      points.map((h) => dklsSuite.group.fromBytes(hexToBytes(h))),
    );
  });
  const own = commitments.get(self)!;
  if (!coefficients.every((a, k) => dklsSuite.group.BASE.multiply(a).equals(own[k]!))) {
    throw invalid('our own commitments do not match our coefficients');
  }
  return {
    step: 2,
    state: {
      ...state1,
      commitments,
      bobSetups: mapOf<MulBobSetup, MulBobSetup>(record.bobSetups, (s) => s),
      zeroSeeds: mapOf(record.zeroSeeds, (h) => hexToBytes(h)),
    },
  };
}
