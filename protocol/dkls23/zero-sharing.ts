/**
 * Zero-sharing of DKLs23 (docs/dkls23.md, Zero-sharing; paper Functionality 3.4): every pair of
 * parties holds a 32-byte pair seed from keygen; in each signing, with a sid unique to that
 * signing, party i derives ζ_i = Σ_{j ∈ signers, j ≠ i} ±F(seed_ij, sid), + when i < j and −
 * when i > j. The two members of a pair add and subtract the same F, so Σ_i ζ_i = 0 mod n, and
 * without the seeds each ζ_i looks uniform. Signing adds ζ_i to λ_i·p(i) so the additive key
 * shares are fresh per signing.
 *
 * F is SHA-512 over the length-prefixed tag, sid, both indices (smaller first) and the seed,
 * reduced mod n (bias 2^-256). Seeds and ζ are secret; JavaScript `bigint` arithmetic on them is
 * not constant-time (docs/protocol.md, Group backends).
 *
 * @module
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { DklsError } from './errors.js';
import { parseInput, SidSchema } from './input.js';
import { lengthPrefixed, u64 } from './hashes.js';
import { Fn } from './field.js';

/** Bytes of each party's contribution and of the pair seed. */
export const ZERO_SEED_BYTES = 32;
/** Domain separation tag of F. */
export const ZERO_SHARE_TAG = utf8ToBytes('dkls23/zero-share/v1');

function invalid(message: string): never {
  throw new DklsError('INVALID_OT_INPUT', message);
}

function assertSeed(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== ZERO_SEED_BYTES) {
    const got = value instanceof Uint8Array ? `${value.length} bytes` : typeof value;
    invalid(`${name} must be ${ZERO_SEED_BYTES} bytes, got ${got}`);
  }
}

function isPartyIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/** The pair seed of i and j from their two contributions (XOR); throws DklsError INVALID_OT_INPUT on wrong length. */
export function pairSeed(a: Uint8Array, b: Uint8Array): Uint8Array {
  assertSeed(a, 'the first seed contribution');
  assertSeed(b, 'the second seed contribution');
  return a.map((byte, k) => byte ^ b[k]!);
}

/** F(seed_ij, sid) for the pair {i, j}: the same scalar on both sides. */
function pairMask(i: number, j: number, seed: Uint8Array, sid: Uint8Array): bigint {
  const [low, high] = i < j ? [i, j] : [j, i];
  return Fn.reduceBytes(sha512(lengthPrefixed([ZERO_SHARE_TAG, sid, u64(low), u64(high), seed])));
}

/**
 * ζ_i for party `self` among `signers` (1-based indices, sorted or not), seeds.get(j) = pair seed
 * with j, sid unique per signing: Σ over signers of ζ = 0 mod n. Seeds of non-signers are
 * ignored; a missing or malformed seed of a signer, a repeated or invalid index, `self` not among
 * the signers, fewer than two signers or a sid outside 1–256 bytes throw INVALID_OT_INPUT.
 */
export function zeroShare(
  self: number,
  signers: readonly number[],
  seeds: ReadonlyMap<number, Uint8Array>,
  sid: Uint8Array,
): bigint {
  if (!isPartyIndex(self)) invalid('self must be a party index (an integer ≥ 1)');
  if (!Array.isArray(signers) || signers.length < 2) invalid('signers must list at least two');
  if (!signers.every(isPartyIndex)) invalid('every signer must be a party index (an integer ≥ 1)');
  if (new Set(signers).size !== signers.length) invalid('signers must not repeat');
  if (!signers.includes(self)) invalid(`party ${self} is not among the signers`);
  if (!(seeds instanceof Map)) invalid('seeds must be a Map from party index to pair seed');
  parseInput(SidSchema, sid, 'sid');
  // All seeds are checked before any is used.
  const others = signers.filter((j) => j !== self);
  for (const j of others) assertSeed(seeds.get(j), `the pair seed with party ${j}`);
  return others.reduce((zeta, j) => {
    const mask = pairMask(self, j, seeds.get(j)!, sid);
    return self < j ? Fn.add(zeta, mask) : Fn.sub(zeta, mask);
  }, 0n);
}
