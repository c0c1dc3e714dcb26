// Independent checks of a threshold ECDSA signature (dkls23-secp256k1) as the server reports it:
// noble's ECDSA verification, the DER and Ethereum encodings against r and s, and the Ethereum
// address the signature recovers against the key's. Shared by `sigsocket sign` and the demo.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32 } from '@scure/base';
import { z } from 'zod';
import { ethereumAddress } from '../protocol/address.js';
import { bytesToHex, hexBytes, hexString, hexToBytes } from '../protocol/encoding.js';

/** The result of a completed dkls23-secp256k1 signing (docs/dkls23.md, ECDSA output). */
export const EcdsaSignResultSchema = z.object({
  /** r ‖ s, 64 bytes, low-S. */
  signature: hexBytes(64),
  r: hexBytes(32),
  s: hexBytes(32),
  recoveryId: z.number().int().min(0).max(3),
  der: hexString({ min: 8, max: 72 }),
  /** r ‖ s ‖ v, v = 27 + (recoveryId & 1). */
  ethereum: hexBytes(65),
  digest: hexBytes(32),
  keyId: z.string(),
  groupPublicKey: hexBytes(33),
});
export type EcdsaSignResult = z.output<typeof EcdsaSignResultSchema>;

/** One thing verified (the demo's `Check`). */
export interface EcdsaCheck {
  what: string;
  ok: boolean;
}

function attempt(what: string, verify: () => boolean): EcdsaCheck {
  try {
    return { what, ok: verify() };
  } catch {
    return { what, ok: false };
  }
}

/** Ethereum's v of a recovery id: it can say only bit 0 (ids 2 and 3 need r ≥ n − p, ~2^-128). */
export const ethereumV = (recoveryId: number): number => 27 + (recoveryId & 1);

/** The EIP-55 address of the key that (r‖s, recovery id) recovers for the digest, or null. */
export function recoverEthereumAddress(
  signature: string,
  recoveryId: number,
  digest: string,
): string | null {
  try {
    const point = secp256k1.Signature.fromBytes(hexToBytes(signature, 64), 'compact')
      .addRecoveryBit(recoveryId)
      .recoverPublicKey(hexToBytes(digest, 32));
    return ethereumAddress(point.toBytes(true));
  } catch {
    return null;
  }
}

/**
 * The checks of a reported signature under the key (its group key and stored Ethereum address);
 * with `expectedDigest` (computed here from what the user asked to sign) the digest too.
 */
export function thresholdEcdsaChecks(
  result: EcdsaSignResult,
  key: { groupPublicKey: string; ethereumAddress: string | null },
  expectedDigest?: string,
): { recovered: string | null; checks: EcdsaCheck[] } {
  const { signature, r, s, recoveryId, der, ethereum, digest } = result;
  const recovered = recoverEthereumAddress(signature, recoveryId, digest);
  const keyAddress = key.ethereumAddress ?? ethereumAddress(key.groupPublicKey);
  const v = ethereumV(recoveryId);
  const checks = [
    ...(expectedDigest === undefined
      ? []
      : [{ what: `the digest signed is ${expectedDigest}`, ok: digest === expectedDigest }]),
    attempt('secp256k1.verify (noble, ECDSA, prehash: false, low-S) under the group key', () =>
      secp256k1.verify(hexToBytes(signature), hexToBytes(digest), hexToBytes(key.groupPublicKey), {
        prehash: false,
        lowS: true,
      }),
    ),
    { what: 'the signature is r ‖ s', ok: signature === r + s },
    attempt('the DER signature holds the same r and s', () => {
      const decoded = secp256k1.Signature.fromBytes(hexToBytes(der), 'der');
      return decoded.toHex('compact') === signature;
    }),
    {
      what: `the Ethereum signature is r ‖ s ‖ v with v = ${v} (27 + recovery id ${recoveryId} & 1)`,
      ok: ethereum === signature + v.toString(16),
    },
    attempt(`the key's Ethereum address ${keyAddress} is that of the group key`, () => {
      return keyAddress === ethereumAddress(key.groupPublicKey);
    }),
    {
      what: `the signature recovers the key's Ethereum address (${recovered ?? 'no key recovered'})`,
      ok: recovered === keyAddress,
    },
  ];
  return { recovered, checks };
}

/** A P2WPKH address decoded here (not with protocol/address.ts) against the group key. */
export function p2wpkhCheck(address: string, groupPublicKey: string): EcdsaCheck {
  return attempt(`P2WPKH address ${address} encodes HASH160 of the group key`, () => {
    const { words } = bech32.decode(address as `${string}1${string}`);
    const program = bech32.fromWords(words.slice(1));
    const keyHash = ripemd160(sha256(hexToBytes(groupPublicKey, 33)));
    return words[0] === 0 && bytesToHex(program) === bytesToHex(keyHash);
  });
}
