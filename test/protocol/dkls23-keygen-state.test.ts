// The DKLs23 keygen state between rounds as a JSON record (protocol/dkls23/keygen-state.ts): a
// 2-of-3 keygen whose party 1 goes through JSON after each round still agrees on one key with
// the others, and a record that does not fit is refused with INVALID_OT_INPUT.
import { randomBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { DklsError } from '../../protocol/dkls23/errors.js';
import {
  keygenStateFromRecord,
  keygenStateToRecord,
  type KeygenStateRecord,
} from '../../protocol/dkls23/keygen-state.js';
import {
  keygenFinish,
  keygenRound1,
  keygenRound2,
  type KeygenDirect2,
  type KeygenState1,
  type KeygenState2,
} from '../../protocol/dkls23/keygen.js';

const parties = [1, 2, 3];
const othersOf = (self: number) => parties.filter((j) => j !== self);

/** Through JSON text, as the keystore stores it. */
const viaJson = (state: KeygenState1 | KeygenState2): unknown =>
  JSON.parse(JSON.stringify(keygenStateToRecord(state)));

function runRounds() {
  const sid = randomBytes(32);
  const r1 = parties.map((self) => keygenRound1({ sid, threshold: 2, parties: 3, self }));
  const inboxOf = (self: number) => ({
    broadcasts: new Map(othersOf(self).map((j) => [j, r1[j - 1]!.broadcast])),
    directs: new Map(othersOf(self).map((j) => [j, r1[j - 1]!.direct.get(self)!])),
  });
  return { r1, inboxOf };
}

function refusal(value: unknown): DklsError {
  try {
    keygenStateFromRecord(value);
  } catch (err) {
    if (err instanceof DklsError) return err;
    throw err;
  }
  throw new Error('expected the record to be refused');
}

describe('DKLs23 keygen state records', () => {
  const { r1, inboxOf } = runRounds();
  const restored1 = keygenStateFromRecord(viaJson(r1[0]!.state));
  const r2 = parties.map((self) => {
    const state = self === 1 && restored1.step === 1 ? restored1.state : r1[self - 1]!.state;
    const { broadcasts, directs } = inboxOf(self);
    return keygenRound2(state, broadcasts, directs);
  });
  const record2 = keygenStateToRecord(r2[0]!.state);

  it('a state after round 1 and one after round 2 round-trip, and the keygen finishes on them', () => {
    expect(restored1.step).toBe(1);
    expect(keygenStateToRecord(restored1.state)).toEqual(keygenStateToRecord(r1[0]!.state));
    const restored2 = keygenStateFromRecord(viaJson(r2[0]!.state));
    expect(restored2.step).toBe(2);
    expect(keygenStateToRecord(restored2.state)).toEqual(record2);

    const shares = parties.map((self) => {
      const directs = new Map<number, KeygenDirect2>(
        othersOf(self).map((j) => [j, r2[j - 1]!.direct.get(self)!]),
      );
      const state = self === 1 && restored2.step === 2 ? restored2.state : r2[self - 1]!.state;
      return keygenFinish(state, directs);
    });
    const keys = shares.map((s) => Buffer.from(s.groupKey.toBytes()).toString('hex'));
    expect(new Set(keys).size).toBe(1);
  });

  const tampered: Record<string, (r: KeygenStateRecord) => unknown> = {
    'not an object': () => 'state',
    'an unknown field': (r) => ({ ...r, extra: 1 }),
    'another version': (r) => ({ ...r, version: 2 }),
    'an unknown step': (r) => ({ ...r, step: 3 }),
    'one coefficient too many': (r) => ({
      ...r,
      coefficients: [...r.coefficients, '01'.repeat(32)],
    }),
    'a coefficient not below the order': (r) => ({
      ...r,
      coefficients: ['ff'.repeat(32), ...r.coefficients.slice(1)],
    }),
    'a missing set-up state': (r) => {
      const { 2: _gone, ...rest } = r.aliceStates;
      return { ...r, aliceStates: rest };
    },
    'set-up states of the wrong pairs': (r) => ({
      ...r,
      aliceStates: { 2: r.aliceStates[3], 3: r.aliceStates[2] },
    }),
    'self beyond the parties': (r) => ({ ...r, self: 4 }),
    'a commitment that is not a point': (r) =>
      r.step === 2 && {
        ...r,
        commitments: { ...r.commitments, 2: ['05'.repeat(33), r.commitments[2]![1]] },
      },
    'own commitments of another polynomial': (r) =>
      r.step === 2 && {
        ...r,
        commitments: { ...r.commitments, 1: r.commitments[2], 2: r.commitments[1] },
      },
    'a Bob set-up of the wrong pair': (r) =>
      r.step === 2 && { ...r, bobSetups: { 2: r.bobSetups[3], 3: r.bobSetups[2] } },
    'a short zero seed': (r) =>
      r.step === 2 && { ...r, zeroSeeds: { ...r.zeroSeeds, 2: '00'.repeat(31) } },
  };
  for (const [what, tamper] of Object.entries(tampered)) {
    it(`a record with ${what} is refused with INVALID_OT_INPUT`, () => {
      const error = refusal(tamper(structuredClone(record2)));
      expect(error.code, error.message).toBe('INVALID_OT_INPUT');
      expect(error.culprits).toEqual([]);
    });
  }

  it('a round-1 record with round-2 fields is refused', () => {
    const record1 = keygenStateToRecord(r1[0]!.state);
    expect(refusal({ ...record1, zeroSeeds: {} }).code).toBe('INVALID_OT_INPUT');
  });
});
