// The CLI's and demo's own checks of a threshold ECDSA result (cli/ecdsa-checks.ts, cli/ecdsa-
// digest.ts), on signatures made here with noble: each passes a good result, refuses a tampered
// one, and the digests agree with ethers (an independent Ethereum library).
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Signature as EthersSignature, hashMessage, keccak256, sha256 } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  p2wpkhCheck,
  recoverEthereumAddress,
  thresholdEcdsaChecks,
  type EcdsaSignResult,
} from '../../cli/ecdsa-checks.js';
import { digestOf } from '../../cli/ecdsa-digest.js';
import { ethereumAddress, p2wpkhAddress } from '../../protocol/address.js';
import { bytesToHex, hexToBytes } from '../../protocol/encoding.js';

const message = bytesToHex(new TextEncoder().encode('SigSocket: ECDSA checks'));

/** A result as the server reports it, for a fresh key, signing `digest` (hex). */
function signed(digest: string) {
  const secretKey = secp256k1.utils.randomSecretKey();
  const groupPublicKey = bytesToHex(secp256k1.getPublicKey(secretKey));
  const raw = secp256k1.sign(hexToBytes(digest), secretKey, {
    prehash: false,
    format: 'recovered',
  });
  const sig = secp256k1.Signature.fromBytes(raw, 'recovered');
  const compact = sig.toHex('compact');
  const recoveryId = sig.recovery!;
  const result: EcdsaSignResult = {
    signature: compact,
    r: compact.slice(0, 64),
    s: compact.slice(64),
    recoveryId,
    der: sig.toHex('der'),
    ethereum: compact + (27 + (recoveryId & 1)).toString(16),
    digest,
    keyId: 'key_test',
    groupPublicKey,
  };
  return { result, key: { groupPublicKey, ethereumAddress: ethereumAddress(groupPublicKey) } };
}

describe('the CLI checks of a threshold ECDSA signature', () => {
  it('digests match ethers: sha256, keccak256, eip191 (personal_sign)', () => {
    const bytes = hexToBytes(message);
    expect(digestOf(message, 'sha256')).toBe(sha256(bytes).slice(2));
    expect(digestOf(message, 'keccak256')).toBe(keccak256(bytes).slice(2));
    expect(digestOf(message, 'eip191')).toBe(hashMessage(bytes).slice(2));
  });

  it('pass a good signature; ethers recovers the same address', () => {
    const digest = digestOf(message, 'eip191');
    const { result, key } = signed(digest);
    const { recovered, checks } = thresholdEcdsaChecks(result, key, digest);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(recovered).toBe(key.ethereumAddress);
    const ethers = EthersSignature.from(`0x${result.ethereum}`);
    expect(ethers.r.slice(2)).toBe(result.r);
    expect(recoverEthereumAddress(result.signature, result.recoveryId, digest)).toBe(
      key.ethereumAddress,
    );
  });

  it('refuse a tampered s, v, DER, digest or key address', () => {
    const digest = digestOf(message, 'keccak256');
    const { result, key } = signed(digest);
    const failing = (r: EcdsaSignResult, k = key, expected = digest) =>
      thresholdEcdsaChecks(r, k, expected).checks.filter((c) => !c.ok).length;
    const flipped = (h: string) => h.slice(0, -1) + (h.endsWith('0') ? '1' : '0');
    const badS = flipped(result.s);
    expect(failing({ ...result, s: badS, signature: result.r + badS })).toBeGreaterThan(0);
    expect(failing({ ...result, recoveryId: result.recoveryId ^ 1 })).toBeGreaterThan(0);
    expect(failing({ ...result, ethereum: flipped(result.ethereum) })).toBe(1);
    expect(failing({ ...result, der: flipped(result.der) })).toBe(1);
    expect(failing(result, key, digestOf(message, 'sha256'))).toBe(1);
    const other = signed(digest).key;
    expect(failing(result, { ...key, ethereumAddress: other.ethereumAddress })).toBe(2);
  });

  it('decode a P2WPKH address against the key', () => {
    const { key } = signed(digestOf(message, 'sha256'));
    expect(p2wpkhCheck(p2wpkhAddress(key.groupPublicKey, 'bc'), key.groupPublicKey).ok).toBe(true);
    expect(p2wpkhCheck(p2wpkhAddress(key.groupPublicKey, 'tb'), key.groupPublicKey).ok).toBe(true);
    const other = signed(digestOf(message, 'sha256')).key.groupPublicKey;
    expect(p2wpkhCheck(p2wpkhAddress(other), key.groupPublicKey).ok).toBe(false);
  });
});
