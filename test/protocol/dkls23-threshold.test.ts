// DKLs23 keygen and signing end to end among in-process parties (docs/dkls23.md): honest runs
// for several t-of-n and signer subsets, every signature checked by noble and OpenSSL, and a
// cheating party caught at each check, named when the protocol can name it.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { computeAddress, recoverAddress } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ethereumAddress } from '../../protocol/address.js';
import { DklsError, type DklsErrorCode } from '../../protocol/dkls23/errors.js';
import { keygenRound1, type DklsKeyShare } from '../../protocol/dkls23/keygen.js';
import { MUL_OT_COUNT, MUL_WIDTH } from '../../protocol/dkls23/multiplication.js';
import { decodeScalars } from '../../protocol/dkls23/ot-extension.js';
import {
  combineSignature,
  signRound1,
  signRound2,
  signRound3,
} from '../../protocol/dkls23/signing.js';
import { Fn } from '../../protocol/dkls23/field.js';
import { secp256k1Group } from '../../protocol/group/secp256k1.js';
import { opensslVerifyEcdsa } from '../support/independent-verifiers.js';
import { onSecp256k1Backend } from './support/backend.js';
import { runKeygen, runSigning } from '../../harness/dkls23-rounds.js';

const flip = (bytes: Uint8Array, at = 0): Uint8Array => {
  const out = Uint8Array.from(bytes);
  out[at]! ^= 1;
  return out;
};

/** Runs `run` and returns the DklsError it throws. */
function caught(run: () => unknown): DklsError {
  try {
    run();
  } catch (error) {
    if (error instanceof DklsError) return error;
    throw error;
  }
  throw new Error('expected a DklsError, nothing was thrown');
}

function expectCaught(run: () => unknown, code: DklsErrorCode, culprits: number[]) {
  const error = caught(run);
  expect(error.code, error.message).toBe(code);
  expect([...error.culprits].sort()).toEqual(culprits);
}

/** The secret key the shares define, interpolated at 0 from the first t holders (tests only). */
function secretOf(keys: readonly DklsKeyShare[]): bigint {
  const t = keys[0]!.threshold;
  const holders = keys.slice(0, t);
  return holders.reduce((acc, k) => {
    const others = holders.filter((o) => o.self !== k.self);
    const num = others.reduce((p, o) => Fn.mul(p, BigInt(o.self)), 1n);
    const den = others.reduce((p, o) => Fn.mul(p, Fn.sub(BigInt(o.self), BigInt(k.self))), 1n);
    return Fn.add(acc, Fn.mul(k.signingShare, Fn.mul(num, Fn.inv(den))));
  }, 0n);
}

async function expectVerified(keys: readonly DklsKeyShare[], signers: number[]) {
  const digest = randomBytes(32);
  const out = runSigning(keys, signers, digest);
  const pk = keys[0]!.groupKey.toBytes();
  expect(secp256k1.verify(out.compact, digest, pk, { prehash: false, lowS: true })).toBe(true);
  expect(secp256k1.verify(out.compact, randomBytes(32), pk, { prehash: false })).toBe(false);
  const recovered = secp256k1.Signature.fromBytes(out.compact)
    .addRecoveryBit(out.recovery)
    .recoverPublicKey(digest)
    .toBytes(true);
  expect(bytesToHex(recovered)).toBe(bytesToHex(pk));
  const der = secp256k1.Signature.fromBytes(out.compact).toBytes('der');
  expect(await opensslVerifyEcdsa(pk, digest, der)).toBe(true);
  return { out, digest };
}

describe.each(['libsecp256k1', 'noble'] as const)('DKLs23 on %s', (backend) => {
  onSecp256k1Backend(backend);

  it('2-of-2: keygen agrees on one key, signing gives a low-S ECDSA signature noble and OpenSSL accept', async () => {
    const keys = runKeygen(2, 2);
    expect(keys[0]!.groupKey.equals(keys[1]!.groupKey)).toBe(true);
    expect(secp256k1Group.BASE.multiply(secretOf(keys)).equals(keys[0]!.groupKey)).toBe(true);
    const { out } = await expectVerified(keys, [1, 2]);
    expect(out.s <= Fn.ORDER / 2n).toBe(true);
  });
});

describe('DKLs23 keygen and signing (default backend)', () => {
  let keys23: DklsKeyShare[];
  beforeAll(() => {
    keys23 = runKeygen(2, 3);
  });

  it('2-of-3: every key share agrees, P(j) = p(j)·G, and every pair of holders signs', async () => {
    for (const k of keys23) {
      expect(k.groupKey.equals(keys23[0]!.groupKey)).toBe(true);
      expect(
        secp256k1Group.BASE.multiply(k.signingShare).equals(k.verifyingShares[k.self - 1]!),
      ).toBe(true);
      expect(k.mulAlice.size).toBe(2);
      expect(k.mulBob.size).toBe(2);
    }
    for (const signers of [
      [1, 2],
      [1, 3],
      [2, 3],
      [3, 1],
    ])
      await expectVerified(keys23, signers);
  });

  it('3-of-5: every three holders sign; ethers recovers the key’s Ethereum address from the 65-byte signature', async () => {
    const keys = runKeygen(3, 5);
    const subsets = [1, 2, 3, 4, 5]
      .flatMap((a) => [1, 2, 3, 4, 5].flatMap((b) => [1, 2, 3, 4, 5].map((c) => [a, b, c])))
      .filter(([a, b, c]) => a! < b! && b! < c!);
    expect(subsets).toHaveLength(10);
    for (const signers of subsets) await expectVerified(keys, signers);
    const { out, digest } = await expectVerified(keys, [5, 2, 4]);
    expect(out.ethereum.length).toBe(65);
    expect(out.ethereum[64]).toBe(27 + (out.recovery & 1));
    // ethers (an Ethereum library independent of ours) recovers the signer's address from the
    // 65-byte signature; it must be the key's EIP-55 address, casing included.
    const address = ethereumAddress(keys[0]!.groupKey.toBytes());
    expect(computeAddress('0x' + bytesToHex(keys[0]!.groupKey.toBytes()))).toBe(address);
    expect(recoverAddress('0x' + bytesToHex(digest), '0x' + bytesToHex(out.ethereum))).toBe(
      address,
    );
    expect(
      recoverAddress('0x' + bytesToHex(randomBytes(32)), '0x' + bytesToHex(out.ethereum)),
    ).not.toBe(address);
  });

  it('the same signers signing twice use fresh nonces: different r', () => {
    const digest = randomBytes(32);
    const a = runSigning(keys23, [1, 2], digest);
    const b = runSigning(keys23, [1, 2], digest);
    expect(a.r).not.toBe(b.r);
  });

  it('a repeated signing sid gives a passive co-signer nothing: pads are fresh per run', () => {
    // Before each side mixed in a fresh nonce, two runs with one sid let Bob add the τ of an OT
    // whose choice bit differed between the runs and read 2·sk_i (docs/dkls23.md, OT extension).
    const params = { sid: randomBytes(16), signers: [1, 2], digest: randomBytes(32) };
    const run = () => {
      const a = signRound1(keys23[0]!, params);
      const b = signRound1(keys23[1]!, params);
      const r2 = signRound2(a.state, new Map([[2, b.broadcast]]), new Map([[2, b.direct.get(1)!]]));
      const tau = decodeScalars(r2.direct.get(2)!.mul.subarray(0, MUL_OT_COUNT * MUL_WIDTH * 32));
      const pk1 = secp256k1Group.fromBytes(r2.broadcast.pk); // sk_1·G, public
      return { beta: b.state.bob.get(1)!.state.choices, tau, pk1 };
    };
    const [x, y] = [run(), run()];
    const differing = x.beta.flatMap((bit, j) => (bit !== y.beta[j] ? [j] : []));
    expect(differing.length).toBeGreaterThan(100);
    for (const j of differing) {
      const sk1 = Fn.mul(Fn.add(x.tau[MUL_WIDTH * j + 1]!, y.tau[MUL_WIDTH * j + 1]!), Fn.inv(2n));
      expect(secp256k1Group.BASE.multiply(sk1 || 1n).equals(x.pk1)).toBe(false);
    }
  });

  it('a signing state answers once, copies included: a second round 2 or round 3 is refused', () => {
    const params = { sid: randomBytes(16), signers: [1, 2], digest: randomBytes(32) };
    const a = signRound1(keys23[0]!, params);
    const b = signRound1(keys23[1]!, params);
    const inbox = [new Map([[2, b.broadcast]]), new Map([[2, b.direct.get(1)!]])] as const;
    const a2 = signRound2(a.state, ...inbox);
    expectCaught(() => signRound2(a.state, ...inbox), 'INVALID_OT_INPUT', []);
    // Copies share the secrets: a spread copy, or round 2 on a round-2 state, is refused too.
    expectCaught(() => signRound2({ ...a.state }, ...inbox), 'INVALID_OT_INPUT', []);
    expectCaught(() => signRound2(a2.state, ...inbox), 'INVALID_OT_INPUT', []);
    const b2 = signRound2(b.state, new Map([[1, a.broadcast]]), new Map([[1, a.direct.get(2)!]]));
    const inbox2 = [new Map([[2, b2.broadcast]]), new Map([[2, b2.direct.get(1)!]])] as const;
    const copy = { ...a2.state };
    signRound3(a2.state, ...inbox2);
    // Replaying round 3 with another ψ would give r_1 and sk_1 away (u' − u = r·δ).
    expectCaught(() => signRound3(copy, ...inbox2), 'INVALID_OT_INPUT', []);
    expectCaught(() => signRound3(structuredClone(a2.state), ...inbox2), 'INVALID_OT_INPUT', []);
    expect(JSON.stringify(a2.state.secrets)).toBe('"[signing secrets]"');
  });

  it('refuses bad parameters with a typed error', () => {
    expectCaught(() => runSigning(keys23, [1], randomBytes(32)), 'INVALID_OT_INPUT', []);
    expectCaught(() => runSigning(keys23, [1, 1], randomBytes(32)), 'INVALID_OT_INPUT', []);
    expectCaught(() => runSigning(keys23, [1, 4], randomBytes(32)), 'INVALID_OT_INPUT', []);
    expectCaught(() => runSigning(keys23, [1, 2], randomBytes(31)), 'INVALID_OT_INPUT', []);
    const empty = { round1: new Map(), round2: new Map(), round3: new Map() };
    const sign = { sid: randomBytes(8), signers: [1, 2], digest: randomBytes(32) };
    expectCaught(
      () => combineSignature(keys23[0]!, { ...sign, sid: new Uint8Array() }, empty),
      'INVALID_OT_INPUT',
      [],
    );
    expectCaught(
      () => combineSignature(keys23[0]!, { ...sign, digest: randomBytes(31) }, empty),
      'INVALID_OT_INPUT',
      [],
    );
    // The caller's own bad input is never blamed on a co-signer.
    const a = signRound1(keys23[0]!, sign);
    const b = signRound1(keys23[1]!, sign);
    const shortRng = (n: number) => randomBytes(Math.max(0, n - 1));
    expectCaught(
      () =>
        signRound2(
          a.state,
          new Map([[2, b.broadcast]]),
          new Map([[2, b.direct.get(1)!]]),
          shortRng,
        ),
      'INVALID_OT_INPUT',
      [],
    );
    const params = { sid: randomBytes(8), threshold: 2, parties: 3 };
    expectCaught(() => keygenRound1({ ...params, self: 0 }), 'INVALID_OT_INPUT', []);
    expectCaught(() => keygenRound1({ ...params, self: 4 }), 'INVALID_OT_INPUT', []);
    expectCaught(() => keygenRound1({ ...params, threshold: 1, self: 1 }), 'INVALID_OT_INPUT', []);
    expectCaught(
      () => keygenRound1({ ...params, sid: new Uint8Array(), self: 1 }),
      'INVALID_OT_INPUT',
      [],
    );
  });
});

describe('DKLs23: a cheating party is caught', () => {
  let keys: DklsKeyShare[];
  const digest = randomBytes(32);
  beforeAll(() => {
    keys = runKeygen(2, 3);
  });

  it('keygen: a bad proof of knowledge names its sender', () => {
    expectCaught(
      () =>
        runKeygen(2, 3, {
          broadcast1: (from, _to, m) => (from === 2 ? { ...m, proof: flip(m.proof, 40) } : m),
        }),
      'PROOF_INVALID',
      [2],
    );
  });

  it('keygen: a broadcast from another keygen (another sid) is refused at its proof', () => {
    const elsewhere = keygenRound1({ sid: randomBytes(32), threshold: 2, parties: 3, self: 2 });
    expectCaught(
      () =>
        runKeygen(2, 3, { broadcast1: (from, _to, m) => (from === 2 ? elsewhere.broadcast : m) }),
      'PROOF_INVALID',
      [2],
    );
  });

  it('keygen: too few commitments or an invalid point names its sender', () => {
    expectCaught(
      () =>
        runKeygen(3, 3, {
          broadcast1: (from, _to, m) =>
            from === 3 ? { ...m, commitments: m.commitments.slice(1) } : m,
        }),
      'INVALID_PROTOCOL_MESSAGE',
      [3],
    );
    expectCaught(
      () =>
        runKeygen(2, 3, {
          broadcast1: (from, _to, m) =>
            from === 1
              ? {
                  ...m,
                  commitments: [
                    Uint8Array.of(5, ...m.commitments[0]!.subarray(1)),
                    m.commitments[1]!,
                  ],
                }
              : m,
        }),
      'INVALID_PROTOCOL_MESSAGE',
      [1],
    );
  });

  it('keygen: a share off its commitments names its sender', () => {
    const error = caught(() =>
      runKeygen(2, 3, {
        direct2: (from, to, m) =>
          from === 3 && to === 1
            ? { ...m, share: Fn.toBytes(Fn.add(Fn.fromBytes(m.share), 1n)) }
            : m,
      }),
    );
    expect(error.code).toBe('PROOF_INVALID');
    expect(error.culprits).toEqual([3]);
  });

  it('keygen: a malformed multiplication set-up names the pair’s other party', () => {
    const error = caught(() =>
      runKeygen(2, 3, {
        direct2: (from, to, m) =>
          from === 2 && to === 3 ? { ...m, mulSetup: m.mulSetup.subarray(1) } : m,
      }),
    );
    expect(error.code).toBe('INVALID_OT_MESSAGE'); // the base OT's own code for its messages
    expect(error.culprits).toEqual([2]);
  });

  it('signing: an opening of R to another point is a COMMITMENT_MISMATCH naming the opener', () => {
    const other = secp256k1Group.BASE.multiply(Fn.random()).toBytes();
    expectCaught(
      () =>
        runSigning(keys, [1, 3], digest, {
          broadcast2: (from, _to, m) => (from === 3 ? { ...m, R: other } : m),
        }),
      'COMMITMENT_MISMATCH',
      [3],
    );
  });

  it('signing: a wrong Γ^u or Γ^v fails the check against R_j or pk_j, naming its sender', () => {
    const junk = secp256k1Group.BASE.multiply(Fn.random()).toBytes();
    expectCaught(
      () =>
        runSigning(keys, [1, 2], digest, {
          direct2: (from, _to, m) => (from === 2 ? { ...m, gammaU: junk } : m),
        }),
      'SIGNING_CHECK_FAILED',
      [2],
    );
    expectCaught(
      () =>
        runSigning(keys, [1, 2], digest, {
          direct2: (from, _to, m) => (from === 1 ? { ...m, gammaV: junk } : m),
        }),
      'SIGNING_CHECK_FAILED',
      [1],
    );
  });

  it('signing: a party multiplying with another key share than the pk it announces is named', () => {
    // Party 2 signs with p(2) + 1, so sk_2 grows by λ_2 = 3/(3 − 2) = 3, and announces the pk of
    // its true share: pk − 3·G.
    const cheat = keys.map((k) =>
      k.self === 2 ? { ...k, signingShare: Fn.add(k.signingShare, 1n) } : k,
    );
    const honestPk = (pk: Uint8Array) =>
      secp256k1Group.fromBytes(pk).subtract(secp256k1Group.BASE.multiply(3n)).toBytes();
    expectCaught(
      () =>
        runSigning(cheat, [3, 2], digest, {
          broadcast2: (from, _to, m) => (from === 2 ? { ...m, pk: honestPk(m.pk) } : m),
        }),
      'SIGNING_CHECK_FAILED',
      [2],
    );
  });

  it('signing: shares of a key that do not add up to the group key are refused', () => {
    expectCaught(
      () =>
        runSigning(
          keys.map((k) => (k.self === 1 ? { ...k, signingShare: Fn.add(k.signingShare, 1n) } : k)),
          [1, 2],
          digest,
        ),
      'SIGNING_CHECK_FAILED',
      [], // Σ pk_j = pk cannot tell who
    );
  });

  it('signing: a tampered multiplication message names its sender', () => {
    // Bob's OT-extension message fails Alice's check; Alice's answer fails Bob's: both ban.
    expectCaught(
      () =>
        runSigning(keys, [1, 2], digest, {
          direct1: (from, _to, m) => (from === 2 ? { mul: flip(m.mul, 100) } : m),
        }),
      'OT_EXTENSION_CHECK_FAILED',
      [2],
    );
    expectCaught(
      () =>
        runSigning(keys, [1, 2], digest, {
          direct2: (from, _to, m) => (from === 1 ? { ...m, mul: flip(m.mul, 100) } : m),
        }),
      'MULTIPLICATION_CHECK_FAILED',
      [1],
    );
  });

  it('signing: a wrong ψ, u or w makes a signature that does not verify, and it is not released', () => {
    const psi = Fn.toBytes(Fn.random());
    expectCaught(
      () =>
        runSigning(keys, [1, 2], digest, {
          direct2: (from, _to, m) => (from === 2 ? { ...m, psi } : m),
        }),
      'SIGNATURE_INVALID',
      [],
    );
    expectCaught(
      () =>
        runSigning(keys, [1, 2], digest, {
          broadcast3: (from, m) => (from === 1 ? { ...m, w: flip(m.w, 31) } : m),
        }),
      'SIGNATURE_INVALID',
      [],
    );
    expectCaught(
      () =>
        runSigning(keys, [1, 2], digest, {
          broadcast3: (from, m) => (from === 2 ? { ...m, u: flip(m.u, 31) } : m),
        }),
      'SIGNATURE_INVALID',
      [],
    );
  });

  it('signing: a missing or malformed message names its sender', () => {
    expectCaught(
      () =>
        runSigning(keys, [1, 3], digest, {
          broadcast2: (from, _to, m) => (from === 3 ? (null as unknown as typeof m) : m),
        }),
      'INVALID_PROTOCOL_MESSAGE',
      [3],
    );
    expectCaught(
      () =>
        runSigning(keys, [1, 3], digest, {
          broadcast2: (from, _to, m) => (from === 1 ? { ...m, pk: m.pk.subarray(1) } : m),
        }),
      'INVALID_PROTOCOL_MESSAGE',
      [1],
    );
    expectCaught(
      () =>
        runSigning(keys, [1, 3], digest, {
          broadcast1: (from, _to, m) => (from === 3 ? { commitment: m.commitment.subarray(2) } : m),
        }),
      'INVALID_PROTOCOL_MESSAGE',
      [3],
    );
  });
});
