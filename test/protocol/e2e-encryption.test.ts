import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  EncryptedShareSchema,
  decryptEscrow,
  decryptShare,
  encryptEscrow,
  encryptShare,
} from '../../protocol/e2e.js';
import { bytesToHex, hexToBytes } from '../../protocol/encoding.js';
import { SCHEMES, dkgRound1, dkgRound2, type Scheme } from '../../protocol/frost/index.js';
import { codeOf, flipLastBit, runDkg } from './helpers.js';

const identity = () => {
  const { secretKey, publicKey } = secp256k1.keygen();
  return { sk: bytesToHex(secretKey), pk: bytesToHex(publicKey) };
};
const alice = identity();
const bob = identity();
const carol = identity();

// Independent re-implementation of the documented layout (docs/protocol.md §5, §6).
const utf8 = (t: string) => new TextEncoder().encode(t);
const lp = (t: string) => new Uint8Array([0, utf8(t).length, ...utf8(t)]);
function documentedOpen(
  label: string,
  binding: Uint8Array,
  sk: string,
  pk: Uint8Array,
  box: Uint8Array,
) {
  const ikm = secp256k1.getSharedSecret(hexToBytes(sk), pk, true).slice(1);
  const key = hkdf(sha256, ikm, utf8(label), binding, 32);
  return xchacha20poly1305(key, box.subarray(0, 24), binding).decrypt(box.subarray(24));
}

type DecryptShareArgs = Parameters<typeof decryptShare>[0];
type DecryptEscrowArgs = Parameters<typeof decryptEscrow>[0];

describe('round-2 share encryption', () => {
  const share = '11'.repeat(32);
  const ctx = { sessionId: 'sess-1', sender: 'alice', recipient: 'bob' };
  const seal = (s: string) =>
    encryptShare({ ...ctx, senderSecretKey: alice.sk, recipientPublicKey: bob.pk, share: s });
  const ciphertext = seal(share);
  const open = (over: Partial<DecryptShareArgs> = {}) =>
    decryptShare({
      ...ctx,
      recipientSecretKey: bob.sk,
      senderPublicKey: alice.pk,
      ciphertext,
      ...over,
    });

  it('round-trips, is 72 bytes of lowercase hex, and is randomised', () => {
    expect(EncryptedShareSchema.parse(ciphertext)).toBe(ciphertext);
    expect(ciphertext).toMatch(/^[0-9a-f]{144}$/);
    expect(open()).toBe(share);
    expect(seal(share)).not.toBe(ciphertext);
  });

  it('follows the documented layout', () => {
    const label = 'sigsocket/v1/frost-dkg-share';
    const binding = new Uint8Array([...lp(label), ...lp('sess-1'), ...lp('alice'), ...lp('bob')]);
    const box = hexToBytes(ciphertext);
    const plain = documentedOpen(label, binding, bob.sk, hexToBytes(alice.pk), box);
    expect(bytesToHex(plain)).toBe(share);
  });

  it('fails with DECRYPTION_FAILED on any mismatch or tamper', () => {
    const cases: Partial<DecryptShareArgs>[] = [
      { sessionId: 'sess-2' },
      { sender: 'carol' },
      { recipient: 'carol' },
      { sender: 'bob', recipient: 'alice' },
      { recipientSecretKey: carol.sk },
      { senderPublicKey: carol.pk },
      { ciphertext: flipLastBit(ciphertext) },
      { ciphertext: '00' + ciphertext.slice(2) },
    ];
    for (const c of cases) {
      expect(
        codeOf(() => open(c)),
        JSON.stringify(c),
      ).toBe('DECRYPTION_FAILED');
    }
  });

  it('rejects malformed inputs with typed errors', () => {
    const malformed = 'MALFORMED_CIPHERTEXT';
    expect(codeOf(() => open({ ciphertext: ciphertext.slice(2) }))).toBe(malformed);
    expect(codeOf(() => open({ ciphertext: 'zz' + ciphertext.slice(2) }))).toBe(malformed);
    expect(codeOf(() => open({ senderPublicKey: '02' + '00'.repeat(32) }))).toBe('INVALID_KEY');
    expect(codeOf(() => open({ recipientSecretKey: '00'.repeat(32) }))).toBe('INVALID_KEY');
    // Any suite's scalar size seals; whether it is below the order is the DKG's check.
    expect(codeOf(() => seal('ff'.repeat(33)))).toBe('INVALID_PLAINTEXT');
    expect(codeOf(() => seal('11'))).toBe('INVALID_PLAINTEXT');
  });

  it('binding fields are length-prefixed, so shifting a boundary changes the key', () => {
    const ct = encryptShare({
      ...{ sessionId: 'ab', sender: 'c', recipient: 'bob' },
      ...{ senderSecretKey: alice.sk, recipientPublicKey: bob.pk, share },
    });
    const shifted = {
      ...{ sessionId: 'a', sender: 'bc', recipient: 'bob' },
      ...{ recipientSecretKey: bob.sk, senderPublicKey: alice.pk, ciphertext: ct },
    };
    expect(codeOf(() => decryptShare(shifted))).toBe('DECRYPTION_FAILED');
  });
});

describe('escrow', () => {
  const { outputs } = runDkg('frost-secp256k1-tr', 2, 3);
  const keyShare = outputs[0]!;
  const { verifyingShares: _vs, ...plainShare } = keyShare;
  const ctx = { sessionId: 'keygen-1', participant: 'alice' };
  const seal = (share: object) =>
    encryptEscrow({ ...ctx, identityPublicKey: alice.pk, keyShare: share as typeof plainShare });
  const escrow = seal(keyShare);
  const open = (over: Partial<DecryptEscrowArgs> = {}) =>
    decryptEscrow({ ...ctx, identitySecretKey: alice.sk, escrow, ...over });

  it('round-trips the key share, bound to the session', () => {
    expect(escrow).toMatch(/^[0-9a-f]+$/);
    expect(open()).toEqual({ v: 1, sessionId: 'keygen-1', ...plainShare });
    expect(seal(plainShare)).not.toBe(escrow);
  });

  it('follows the documented layout', () => {
    const label = 'sigsocket/v1/frost-escrow';
    const blob = hexToBytes(escrow);
    const epk = blob.subarray(0, 33);
    const binding = new Uint8Array([
      ...[...lp(label), ...lp('keygen-1'), ...lp('alice')],
      ...[...epk, ...hexToBytes(alice.pk)],
    ]);
    const plain = documentedOpen(label, binding, alice.sk, epk, blob.subarray(33));
    expect(JSON.parse(new TextDecoder().decode(plain))).toEqual(open());
  });

  it('opens only with the identity key, for the same session and participant, untampered', () => {
    const nonce = escrow.slice(66, 114);
    const nonceTampered = escrow.slice(0, 66) + flipLastBit(nonce) + escrow.slice(114);
    const otherEphemeral = bytesToHex(secp256k1.keygen().publicKey) + escrow.slice(66);
    const cases: Partial<DecryptEscrowArgs>[] = [
      { identitySecretKey: bob.sk },
      { sessionId: 'keygen-2' },
      { participant: 'bob' },
      { escrow: flipLastBit(escrow) },
      { escrow: nonceTampered },
      { escrow: otherEphemeral },
    ];
    for (const c of cases) {
      expect(
        codeOf(() => open(c)),
        JSON.stringify(c),
      ).toBe('DECRYPTION_FAILED');
    }
  });

  it('rejects malformed blobs and key shares', () => {
    const offCurveEphemeral = '02' + '00'.repeat(32) + escrow.slice(66);
    expect(codeOf(() => open({ escrow: escrow.slice(0, 100) }))).toBe('MALFORMED_CIPHERTEXT');
    expect(codeOf(() => open({ escrow: offCurveEphemeral }))).toBe('MALFORMED_CIPHERTEXT');
    expect(codeOf(() => open({ escrow: escrow + '0' }))).toBe('MALFORMED_CIPHERTEXT');
    const bad = { ...plainShare, signingShare: 'ff'.repeat(32) };
    expect(codeOf(() => seal(bad))).toBe('INVALID_PLAINTEXT');
    const inconsistent = { ...plainShare, verifyingShare: outputs[1]!.verifyingShare };
    expect(codeOf(() => seal(inconsistent))).toBe('INVALID_PLAINTEXT');
  });
});

describe.each(SCHEMES)('escrow and share encryption in %s', (scheme) => {
  const { outputs, sharesFor } = runDkgWithShares(scheme);
  const { verifyingShares: _vs, ...plainShare } = outputs[0]!;
  const ctx = { sessionId: 'keygen-1', participant: 'alice' };

  it("round-trips the suite's key share, and refuses one whose verifying share is another's", () => {
    const escrow = encryptEscrow({ ...ctx, identityPublicKey: alice.pk, keyShare: plainShare });
    expect(decryptEscrow({ ...ctx, identitySecretKey: alice.sk, escrow })).toEqual({
      v: 1,
      sessionId: 'keygen-1',
      ...plainShare,
    });
    const swapped = { ...plainShare, verifyingShare: outputs[1]!.verifyingShare };
    expect(
      codeOf(() => encryptEscrow({ ...ctx, identityPublicKey: alice.pk, keyShare: swapped })),
    ).toBe('INVALID_PLAINTEXT');
  });

  it("round-trips a round-2 share of the suite's size", () => {
    const share = sharesFor[2]!;
    const args = { sessionId: 'keygen-1', sender: 'alice', recipient: 'bob' };
    const ciphertext = encryptShare({
      ...args,
      senderSecretKey: alice.sk,
      recipientPublicKey: bob.pk,
      share,
    });
    expect(EncryptedShareSchema.safeParse(ciphertext).success).toBe(true);
    expect(
      decryptShare({ ...args, recipientSecretKey: bob.sk, senderPublicKey: alice.pk, ciphertext }),
    ).toBe(share);
  });
});

/** A DKG's outputs plus the round-2 shares participant 1 dealt. */
function runDkgWithShares(scheme: Scheme) {
  const { outputs } = runDkg(scheme, 2, 3);
  const first = dkgRound1(scheme, 1, 2, 3);
  const others = [2, 3].map((i) => dkgRound1(scheme, i, 2, 3).package);
  const { sharesFor } = dkgRound2(first.secretState, { 2: others[0]!, 3: others[1]! });
  return { outputs, sharesFor };
}
