// The small pieces of DKLs23 signing (docs/dkls23.md): zero-sharing sums to zero and is bound to
// the sid, the seeds and the party; commitments open only to what was committed; the ECDSA
// output is low-S with the right recovery id, and OpenSSL and noble accept it.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { derSignature, opensslVerifyEcdsa } from '../support/independent-verifiers.js';
import {
  COMMITMENT_BYTES,
  COMMITMENT_SALT_BYTES,
  commit,
  openCommitment,
} from '../../protocol/dkls23/commitment.js';
import { finishEcdsaSignature, recoveryId } from '../../protocol/dkls23/ecdsa-output.js';
import { lengthPrefixed } from '../../protocol/dkls23/hashes.js';
import {
  ZERO_SEED_BYTES,
  ZERO_SHARE_TAG,
  pairSeed,
  zeroShare,
} from '../../protocol/dkls23/zero-sharing.js';
import type { GroupElement } from '../../protocol/group/group.js';
import { scalarField } from '../../protocol/group/scalar-field.js';
import { SECP256K1_ORDER } from '../../protocol/group/secp256k1-group.js';
import { secp256k1Group } from '../../protocol/group/secp256k1.js';
import { onSecp256k1Backend } from './support/backend.js';
import { codeOf } from './support/dkls23-errors.js';

const N = SECP256K1_ORDER;
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const Fn = scalarField(N, 32, false);
const hex = bytesToHex;

/** Every single-bit flip of `bytes`. */
function* bitFlips(bytes: Uint8Array): Generator<Uint8Array> {
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    const out = Uint8Array.from(bytes);
    out[bit >> 3] = out[bit >> 3]! ^ (1 << (bit & 7));
    yield out;
  }
}
const bigintOf = (b: Uint8Array) => BigInt('0x' + (hex(b) || '0'));

// ---------------------------------------------------------------------------------------------
// Zero-sharing

/** Keygen's outcome for the seeds: every pair's contributions, and each party's seed map. */
function dealSeeds(n: number): Map<number, Map<number, Uint8Array>> {
  const parties = new Map<number, Map<number, Uint8Array>>();
  for (let i = 1; i <= n; i++) parties.set(i, new Map());
  for (let i = 1; i <= n; i++) {
    for (let j = i + 1; j <= n; j++) {
      const fromI = randomBytes(ZERO_SEED_BYTES);
      const fromJ = randomBytes(ZERO_SEED_BYTES);
      // Each side XORs what it sent with what it received, in its own order.
      parties.get(i)!.set(j, pairSeed(fromI, fromJ));
      parties.get(j)!.set(i, pairSeed(fromJ, fromI));
    }
  }
  return parties;
}
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let k = out.length - 1; k > 0; k--) {
    const m = randomBytes(1)[0]! % (k + 1);
    [out[k], out[m]] = [out[m]!, out[k]!];
  }
  return out;
}
function randomSubset(n: number, t: number): number[] {
  return shuffled(Array.from({ length: n }, (_, k) => k + 1)).slice(0, t);
}
const sum = (values: bigint[]) => values.reduce((a, b) => Fn.add(a, b), 0n);

describe('DKLs23 zero-sharing', () => {
  const n = 7;
  const seeds = dealSeeds(n);
  const sharesOf = (signers: number[], sid: Uint8Array) =>
    signers.map((i) => zeroShare(i, signers, seeds.get(i)!, sid));

  it('pairSeed is the XOR of the contributions, the same on both sides', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    expect(hex(pairSeed(a, b))).toBe(hex(pairSeed(b, a)));
    expect(pairSeed(a, b).length).toBe(ZERO_SEED_BYTES);
    expect([...pairSeed(a, b)]).toEqual([...a].map((x, k) => x ^ b[k]!));
    for (let i = 1; i <= n; i++) {
      for (let j = 1; j <= n; j++) {
        if (i !== j) expect(hex(seeds.get(i)!.get(j)!)).toBe(hex(seeds.get(j)!.get(i)!));
      }
    }
  });

  it.each([2, 3, 4, 5])('shares of %i signers sum to 0 mod n, for several signer sets', (t) => {
    for (let round = 0; round < 5; round++) {
      const signers = randomSubset(n, t);
      const shares = sharesOf(signers, randomBytes(32));
      expect(sum(shares)).toBe(0n);
      // Non-trivial: no share is 0 and the shares differ per party.
      expect(shares).not.toContain(0n);
      expect(new Set(shares).size).toBe(t);
    }
  });

  it('the signer order does not matter; seeds of non-signers are ignored', () => {
    const signers = [5, 2, 7];
    const sid = randomBytes(32);
    const withExtra = new Map(seeds.get(2)!);
    withExtra.set(99, new Uint8Array(3)); // a non-signer: never read
    expect(zeroShare(2, [2, 5, 7], seeds.get(2)!, sid)).toBe(zeroShare(2, signers, withExtra, sid));
  });

  it('differs per sid and per signer set', () => {
    const signers = [1, 3, 4];
    const a = sharesOf(signers, utf8ToBytes('signing A'));
    const b = sharesOf(signers, utf8ToBytes('signing B'));
    a.forEach((zeta, k) => expect(zeta).not.toBe(b[k]));
    const other = zeroShare(1, [1, 3, 6], seeds.get(1)!, utf8ToBytes('signing A'));
    expect(other).not.toBe(a[0]);
  });

  it('is F = SHA-512(len‖tag ‖ len‖sid ‖ len‖u64(low) ‖ len‖u64(high) ‖ len‖seed) mod n, + for i < j', () => {
    const u64 = (v: number) => Uint8Array.of(0, 0, 0, 0, 0, 0, 0, v);
    const sid = randomBytes(16);
    const F = (i: number, j: number) =>
      Fn.reduceBytes(
        sha512(lengthPrefixed([ZERO_SHARE_TAG, sid, u64(i), u64(j), seeds.get(i)!.get(j)!])),
      );
    expect(hex(ZERO_SHARE_TAG)).toBe(hex(utf8ToBytes('dkls23/zero-share/v1')));
    // Party 3 among {1, 3, 6}: −F(1,3) + F(3,6).
    expect(zeroShare(3, [6, 1, 3], seeds.get(3)!, sid)).toBe(Fn.sub(F(3, 6), F(1, 3)));
  });

  it('a party with a wrong seed (one bit off) breaks the sum: the check can fail', () => {
    const signers = [2, 4, 6];
    const sid = randomBytes(32);
    const bad = new Map(seeds.get(4)!);
    bad.set(6, bitFlips(bad.get(6)!).next().value!);
    const shares = [
      zeroShare(2, signers, seeds.get(2)!, sid),
      zeroShare(4, signers, bad, sid),
      zeroShare(6, signers, seeds.get(6)!, sid),
    ];
    expect(sum(shares)).not.toBe(0n);
  });

  it('refuses malformed input with INVALID_OT_INPUT', () => {
    const mine = seeds.get(1)!;
    const sid = randomBytes(32);
    const cases: [string, () => unknown][] = [
      ['seed contribution of 31 bytes', () => pairSeed(randomBytes(31), randomBytes(32))],
      ['seed contribution of 33 bytes', () => pairSeed(randomBytes(32), randomBytes(33))],
      [
        'seed contribution not bytes',
        () => pairSeed('00' as unknown as Uint8Array, randomBytes(32)),
      ],
      [
        'a signer seed of 31 bytes',
        () => zeroShare(1, [1, 2], new Map([[2, randomBytes(31)]]), sid),
      ],
      [
        'a signer seed of 33 bytes',
        () => zeroShare(1, [1, 2], new Map([[2, randomBytes(33)]]), sid),
      ],
      ['a missing seed', () => zeroShare(1, [1, 2, 8], mine, sid)],
      ['self not a signer', () => zeroShare(1, [2, 3], mine, sid)],
      ['a single signer', () => zeroShare(1, [1], mine, sid)],
      ['a repeated signer', () => zeroShare(1, [1, 2, 2], mine, sid)],
      ['index 0', () => zeroShare(1, [0, 1], mine, sid)],
      ['a fractional index', () => zeroShare(1, [1, 2.5], mine, sid)],
      ['self 0', () => zeroShare(0, [0, 1], mine, sid)],
      ['an empty sid', () => zeroShare(1, [1, 2], mine, new Uint8Array(0))],
      ['a 257-byte sid', () => zeroShare(1, [1, 2], mine, new Uint8Array(257))],
      ['seeds not a Map', () => zeroShare(1, [1, 2], {} as Map<number, Uint8Array>, sid)],
    ];
    for (const [name, run] of cases)
      expect([name, codeOf(run)]).toEqual([name, 'INVALID_OT_INPUT']);
  });
});

// ---------------------------------------------------------------------------------------------
// Commitments

describe('DKLs23 hash commitments', () => {
  const tag = 'dkls23/sign/nonce-point/v1';
  const message = randomBytes(33);

  it('opens to the committed message, salt and tag', () => {
    const { commitment, salt } = commit(tag, message);
    expect(commitment.length).toBe(COMMITMENT_BYTES);
    expect(salt.length).toBe(COMMITMENT_SALT_BYTES);
    expect(openCommitment(tag, commitment, message, salt)).toBe(true);
    expect(openCommitment(tag, commitment, new Uint8Array(message), new Uint8Array(salt))).toBe(
      true,
    );
    const empty = commit(tag, new Uint8Array(0));
    expect(openCommitment(tag, empty.commitment, new Uint8Array(0), empty.salt)).toBe(true);
  });

  it('is SHA-256(len‖"dkls23/commitment/v1" ‖ len‖tag ‖ len‖salt ‖ len‖message), salt from rng', () => {
    const salt = Uint8Array.from({ length: 32 }, (_, k) => k);
    const out = commit(tag, message, () => Uint8Array.from(salt));
    const expected = sha256(
      lengthPrefixed([utf8ToBytes('dkls23/commitment/v1'), utf8ToBytes(tag), salt, message]),
    );
    expect(hex(out.salt)).toBe(hex(salt));
    expect(hex(out.commitment)).toBe(hex(expected));
  });

  it('a fresh salt per call: the same message commits differently (hiding)', () => {
    const a = commit(tag, message);
    const b = commit(tag, message);
    expect(hex(a.salt)).not.toBe(hex(b.salt));
    expect(hex(a.commitment)).not.toBe(hex(b.commitment));
  });

  it('a cheating opener is caught: any bit flipped in commitment, message or salt → false', () => {
    const { commitment, salt } = commit(tag, message);
    let tried = 0;
    for (const c of bitFlips(commitment)) {
      expect(openCommitment(tag, c, message, salt)).toBe(false);
      tried++;
    }
    for (const m of bitFlips(message)) {
      expect(openCommitment(tag, commitment, m, salt)).toBe(false);
      tried++;
    }
    for (const s of bitFlips(salt)) {
      expect(openCommitment(tag, commitment, message, s)).toBe(false);
      tried++;
    }
    expect(tried).toBe(8 * (32 + 33 + 32));
    expect(openCommitment('dkls23/sign/other/v1', commitment, message, salt)).toBe(false);
  });

  it('wrong lengths or non-bytes → false, never a throw', () => {
    const { commitment, salt } = commit(tag, message);
    const extend = (b: Uint8Array) => Uint8Array.of(...b, 0);
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
      [commitment.subarray(1), message, salt],
      [extend(commitment), message, salt],
      [commitment, message, salt.subarray(1)],
      [commitment, message, extend(salt)],
      [commitment, message.subarray(1), salt],
      [commitment, extend(message), salt],
      [new Uint8Array(0), message, salt],
      [hex(commitment) as unknown as Uint8Array, message, salt],
      [commitment, hex(message) as unknown as Uint8Array, salt],
      [commitment, message, undefined as unknown as Uint8Array],
    ];
    for (const [c, m, s] of cases) expect(openCommitment(tag, c, m, s)).toBe(false);
  });

  it('no shared encodings: tag/message and salt/message boundaries cannot be moved', () => {
    const salt = randomBytes(32);
    const rng = () => Uint8Array.from(salt);
    const a = commit('ab', utf8ToBytes('c'), rng).commitment;
    const b = commit('a', utf8ToBytes('bc'), rng).commitment;
    expect(hex(a)).not.toBe(hex(b));
    expect(openCommitment('a', a, utf8ToBytes('bc'), salt)).toBe(false);
  });

  it('refuses an empty tag, a non-bytes message and an rng of the wrong length', () => {
    expect(codeOf(() => commit('', message))).toBe('INVALID_OT_INPUT');
    expect(codeOf(() => openCommitment('', new Uint8Array(32), message, new Uint8Array(32)))).toBe(
      'INVALID_OT_INPUT',
    );
    expect(codeOf(() => commit(tag, 'text' as unknown as Uint8Array))).toBe('INVALID_OT_INPUT');
    expect(codeOf(() => commit(tag, message, () => new Uint8Array(31)))).toBe('INVALID_OT_INPUT');
  });
});

// ---------------------------------------------------------------------------------------------
// ECDSA output

/** A textbook ECDSA signature with a nonce we choose: s = k⁻¹(h + r·x). */
function signWithNonce(x: bigint, k: bigint, digest: Uint8Array) {
  const R = secp256k1Group.BASE.multiply(k);
  const r = bigintOf(R.toBytes().subarray(1)) % N;
  const s = Fn.mul(Fn.inv(k), Fn.add(Fn.create(bigintOf(digest)), Fn.mul(r, x)));
  return { R, s };
}
const isOdd = (point: GroupElement) => point.toBytes()[0] === 0x03;
const isHigh = (s: bigint) => s > N >> 1n;

/** Key, digest, R and s with R's y parity and the size of s as asked (flipping k flips both). */
function caseWith(oddY: boolean, highS: boolean) {
  const x = Fn.random();
  const groupKey = secp256k1Group.BASE.multiply(x);
  const digest = randomBytes(32);
  for (;;) {
    const k = Fn.random();
    const { R, s } = signWithNonce(x, k, digest);
    if (isOdd(R) === oddY && isHigh(s) === highS) return { groupKey, digest, R, s };
    const flipped = { R: R.negate(), s: Fn.neg(s) }; // nonce −k
    if (isOdd(flipped.R) === oddY && isHigh(flipped.s) === highS) {
      return { groupKey, digest, ...flipped };
    }
  }
}

function recovered(compact: Uint8Array, recovery: number, digest: Uint8Array): string {
  const signature = secp256k1.Signature.fromBytes(compact, 'compact').addRecoveryBit(recovery);
  return hex(signature.recoverPublicKey(digest).toBytes(true));
}

/** A point with x ≥ `from` (x < p); its discrete log is unknown, which the tests do not need. */
function pointWithXFrom(from: bigint): GroupElement {
  for (let x = from; x < P; x++) {
    try {
      return secp256k1Group.fromBytes(Uint8Array.of(2, ...xBytes(x)));
    } catch {
      // not on the curve: next x
    }
  }
  throw new Error('unreachable');
}
function xBytes(x: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'));
}

describe.each(['noble', 'libsecp256k1'] as const)('DKLs23 ECDSA output on %s', (backend) => {
  onSecp256k1Backend(backend);

  it.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])('R with odd y = %s, high S = %s: low-S out, recovery id recovers the key', (oddY, highS) => {
    const { groupKey, digest, R, s } = caseWith(oddY, highS);
    const out = finishEcdsaSignature(R, s, digest, groupKey);
    expect(out.s).toBe(highS ? N - s : s);
    expect(isHigh(out.s)).toBe(false);
    expect(out.r).toBe(bigintOf(R.toBytes().subarray(1)) % N);
    // Normalising negates the verifying point: its parity is R's, flipped when s was high.
    expect(out.recovery).toBe(oddY !== highS ? 1 : 0);
    expect(hex(out.compact)).toBe(hex(Fn.toBytes(out.r)) + hex(Fn.toBytes(out.s)));
    expect(hex(out.ethereum)).toBe(hex(out.compact) + (27 + out.recovery).toString(16));
    expect(recovered(out.compact, out.recovery, digest)).toBe(hex(groupKey.toBytes()));
    expect(recovered(out.compact, out.recovery ^ 1, digest)).not.toBe(hex(groupKey.toBytes()));
    expect(secp256k1.verify(out.compact, digest, groupKey.toBytes(), { prehash: false })).toBe(
      true,
    );
  });

  it('OpenSSL accepts the output (DER signature, SPKI key) and refuses it for another digest', async () => {
    for (const highS of [false, true]) {
      const { groupKey, digest, R, s } = caseWith(true, highS);
      const out = finishEcdsaSignature(R, s, digest, groupKey);
      const der = derSignature(out.r, out.s);
      expect(await opensslVerifyEcdsa(groupKey.toBytes(), digest, der)).toBe(true);
      expect(await opensslVerifyEcdsa(groupKey.toBytes(), randomBytes(32), der)).toBe(false);
    }
  });

  it('a digest ≥ n is reduced mod n, as ECDSA says', () => {
    const digest = new Uint8Array(32).fill(0xff);
    const x = Fn.random();
    const groupKey = secp256k1Group.BASE.multiply(x);
    const { R, s } = signWithNonce(x, Fn.random(), digest);
    const out = finishEcdsaSignature(R, s, digest, groupKey);
    expect(recovered(out.compact, out.recovery, digest)).toBe(hex(groupKey.toBytes()));
  });

  it('recovery ids 2 and 3: x(R) ≥ n, built backwards (pk = r⁻¹(s·R − h·G))', () => {
    const large = pointWithXFrom(N + 1n);
    for (const R of [large, large.negate()]) {
      const s = Fn.random();
      const digest = randomBytes(32);
      const nonceX = bigintOf(R.toBytes().subarray(1));
      expect(nonceX >= N).toBe(true);
      const r = nonceX - N;
      const h = Fn.create(bigintOf(digest));
      const groupKey = R.multiplyUnsafe(s)
        .subtract(secp256k1Group.BASE.multiplyUnsafe(h))
        .multiplyUnsafe(Fn.inv(r));
      const out = finishEcdsaSignature(R, s, digest, groupKey);
      expect(out.r).toBe(r);
      expect(out.recovery & 2).toBe(2);
      expect(out.recovery & 1).toBe(isOdd(R) !== isHigh(s) ? 1 : 0);
      expect(recovered(out.compact, out.recovery, digest)).toBe(hex(groupKey.toBytes()));
      expect(out.ethereum[64]).toBe(27 + (out.recovery & 1));
    }
  });

  it('x(R) = n exactly (a curve point) gives r = 0 → SIGNATURE_INVALID', () => {
    const R = pointWithXFrom(N);
    expect(bigintOf(R.toBytes().subarray(1))).toBe(N);
    const groupKey = secp256k1Group.BASE.multiply(Fn.random());
    expect(() => finishEcdsaSignature(R, Fn.random(), randomBytes(32), groupKey)).toThrow(
      /r = x\(R\) mod n is 0/,
    );
  });

  it('a wrong s, R, digest or key → SIGNATURE_INVALID (a cheating signer is caught)', () => {
    const { groupKey, digest, R, s } = caseWith(false, false);
    expect(codeOf(() => finishEcdsaSignature(R, s, digest, groupKey))).toBe('no error');
    const other = secp256k1Group.BASE.multiply(Fn.random());
    const wrong: [string, () => unknown][] = [
      ['s + 1', () => finishEcdsaSignature(R, Fn.add(s, 1n), digest, groupKey)],
      ['another R', () => finishEcdsaSignature(other, s, digest, groupKey)],
      ['another digest', () => finishEcdsaSignature(R, s, randomBytes(32), groupKey)],
      ['another key', () => finishEcdsaSignature(R, s, digest, other)],
      ['s = 0', () => finishEcdsaSignature(R, 0n, digest, groupKey)],
      ['s = n', () => finishEcdsaSignature(R, N, digest, groupKey)],
      ['s < 0', () => finishEcdsaSignature(R, -s, digest, groupKey)],
      ['R = O', () => finishEcdsaSignature(secp256k1Group.ZERO, s, digest, groupKey)],
      ['key = O', () => finishEcdsaSignature(R, s, digest, secp256k1Group.ZERO)],
    ];
    for (const [name, call] of wrong)
      expect([name, codeOf(call)]).toEqual([name, 'SIGNATURE_INVALID']);
    for (const d of [digest.subarray(1), Uint8Array.of(...digest, 0)]) {
      expect(codeOf(() => finishEcdsaSignature(R, s, d, groupKey))).toBe('INVALID_OT_INPUT');
    }
  });
});

describe('DKLs23 recovery id bits', () => {
  it('bit 0 is the parity, bit 1 is x ≥ n, at the boundaries', () => {
    expect(recoveryId(0n, false)).toBe(0);
    expect(recoveryId(N - 1n, true)).toBe(1);
    expect(recoveryId(N, false)).toBe(2);
    expect(recoveryId(P - 1n, true)).toBe(3);
    expect(codeOf(() => recoveryId(P, false))).toBe('INVALID_OT_INPUT');
    expect(codeOf(() => recoveryId(-1n, false))).toBe('INVALID_OT_INPUT');
  });
});
