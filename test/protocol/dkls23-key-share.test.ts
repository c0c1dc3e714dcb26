// A DKLs23 key share written as a JSON record and read back (docs/dkls23.md): the reloaded share
// signs, and a record that is malformed or does not fit together is refused with a typed error.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { runKeygen, runSigning } from '../../harness/dkls23-rounds.js';
import { Fn } from '../../protocol/dkls23/field.js';
import {
  keyShareFromRecord,
  keyShareToRecord,
  type DklsKeyShareRecord,
} from '../../protocol/dkls23/key-share.js';
import type { DklsKeyShare } from '../../protocol/dkls23/keygen.js';
import { secp256k1Group } from '../../protocol/group/secp256k1.js';
import { codeOf } from './support/dkls23-errors.js';

describe('DKLs23 key share records', () => {
  let keys: DklsKeyShare[];
  let records: DklsKeyShareRecord[];
  beforeAll(() => {
    keys = runKeygen(2, 3);
    records = keys.map(
      (k) => JSON.parse(JSON.stringify(keyShareToRecord(k))) as DklsKeyShareRecord,
    );
  });

  it('round-trips through JSON and the reloaded shares sign', () => {
    const reloaded = records.map((r) => keyShareFromRecord(r));
    for (const [k, share] of reloaded.entries()) {
      expect(keyShareToRecord(share)).toEqual(records[k]);
      expect(share.signingShare).toBe(keys[k]!.signingShare);
    }
    const digest = randomBytes(32);
    const out = runSigning(reloaded, [3, 1], digest);
    const pk = keys[0]!.groupKey.toBytes();
    expect(secp256k1.verify(out.compact, digest, pk, { prehash: false })).toBe(true);
  });

  const variants: [string, (r: DklsKeyShareRecord) => unknown][] = [
    ['another version', (r) => ({ ...r, version: 2 })],
    ['an unknown field', (r) => ({ ...r, extra: 1 })],
    [
      'a signing share off its verifying share',
      (r) => ({ ...r, signingShare: bytesToHex(Fn.toBytes(Fn.random())) }),
    ],
    ['a signing share of zero', (r) => ({ ...r, signingShare: '00'.repeat(32) })],
    ['a signing share ≥ n', (r) => ({ ...r, signingShare: 'ff'.repeat(32) })],
    ['t > n', (r) => ({ ...r, threshold: 4 })],
    ['self outside 1..n', (r) => ({ ...r, self: 4 })],
    ['too few verifying shares', (r) => ({ ...r, verifyingShares: r.verifyingShares.slice(1) })],
    [
      'a verifying share off the polynomial',
      (r) => ({
        ...r,
        verifyingShares: r.verifyingShares.map((v, k) =>
          k === 2 ? bytesToHex(secp256k1Group.BASE.multiply(Fn.random()).toBytes()) : v,
        ),
      }),
    ],
    [
      'another group key',
      (r) => ({ ...r, groupKey: bytesToHex(secp256k1Group.BASE.multiply(Fn.random()).toBytes()) }),
    ],
    ['an invalid point', (r) => ({ ...r, groupKey: '05' + r.groupKey.slice(2) })],
    ['a missing holder’s seed', (r) => ({ ...r, zeroSeeds: { '2': r.zeroSeeds['2']! } })],
    ['a set-up for itself', (r) => ({ ...r, mulBob: { ...r.mulBob, '1': r.mulBob['2']! } })],
    ['a short seed', (r) => ({ ...r, zeroSeeds: { ...r.zeroSeeds, '2': 'ab' } })],
    [
      'a set-up of another pair',
      (r) => ({ ...r, mulAlice: { '2': r.mulAlice['3']!, '3': r.mulAlice['3']! } }),
    ],
    ['another keygen sid', (r) => ({ ...r, sid: 'ab'.repeat(32) })],
    ['not an object', () => 'key'],
  ];
  it.each(variants)('refuses a record with %s', (_name, change) => {
    expect(codeOf(() => keyShareFromRecord(change(records[0]!)))).toBe('INVALID_OT_INPUT');
  });
});
