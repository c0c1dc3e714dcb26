// Addresses of a secp256k1 group key.
// - P2TR (BIP341/BIP350) of a frost-secp256k1-tr group key. The group key stored for that scheme
//   is already the Taproot OUTPUT key Q (noble's DKG applies the BIP86 TapTweak), so the address
//   is simply bech32m(hrp, [1] ++ x(Q)) — no further tweak here.
// - P2WPKH (BIP141/BIP173) of an ECDSA key: bech32(hrp, [0] ++ HASH160(compressed key)).
// - Ethereum (Yellow Paper, EIP-55) of an ECDSA key: the last 20 bytes of keccak-256 of the
//   uncompressed key without its 0x04, hex with the EIP-55 checksum casing.
// Every key is validated as a curve point first; bad keys throw EncodingError.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bech32, bech32m } from '@scure/base';
import { z } from 'zod';
import { EncodingError, bytesToHex, hexToBytes, publicKeyFromBytes } from './encoding.js';

export const NETWORKS = ['bc', 'tb', 'bcrt'] as const;
export type Network = (typeof NETWORKS)[number];
export const NetworkSchema = z.enum(NETWORKS);

/** P2TR address for an output key given as 33-byte compressed or 32-byte x-only hex. */
export function p2trAddress(outputKey: string, network: Network = 'bc'): string {
  const hrp = NetworkSchema.parse(network);
  const bytes = hexToBytes(outputKey);
  if (bytes.length !== 32 && bytes.length !== 33) {
    const got = `got ${bytes.length}`;
    throw new EncodingError('INVALID_PUBLIC_KEY', `output key must be 32 or 33 bytes, ${got}`);
  }
  // Validates the point (an x-only key is lifted with even Y, which BIP340 implies).
  const compressed = bytes.length === 32 ? hexToBytes('02' + outputKey) : bytes;
  const x = hexToBytes(publicKeyFromBytes(compressed)).subarray(1);
  return bech32m.encode(hrp, [1, ...bech32m.toWords(x)]);
}

/** A 33-byte compressed key (hex or bytes), validated on the curve, as bytes. */
function compressedKey(publicKey: string | Uint8Array): Uint8Array {
  const bytes = typeof publicKey === 'string' ? hexToBytes(publicKey) : publicKey;
  if (!(bytes instanceof Uint8Array) || bytes.length !== 33) {
    const got = bytes instanceof Uint8Array ? `got ${bytes.length}` : 'got no bytes';
    throw new EncodingError('INVALID_PUBLIC_KEY', `public key must be 33 bytes compressed, ${got}`);
  }
  return hexToBytes(publicKeyFromBytes(bytes));
}

/** EIP-55: a hex letter is upper case where the nibble of keccak-256(lowercase hex) is ≥ 8. */
function eip55(addressBytes: Uint8Array): string {
  const lower = bytesToHex(addressBytes);
  const hash = bytesToHex(keccak_256(utf8ToBytes(lower)));
  const cased = [...lower].map((c, k) => (parseInt(hash[k]!, 16) >= 8 ? c.toUpperCase() : c));
  return '0x' + cased.join('');
}

/** The EIP-55 casing of a 20-byte address given as 40 hex digits (any case, optional 0x). */
export function checksumAddress(address: string): string {
  const digits = typeof address === 'string' ? address.replace(/^0x/, '') : address;
  return eip55(hexToBytes(digits, 20));
}

/** Ethereum address (EIP-55 checksummed 0x…) of a 33-byte compressed key, hex or bytes. */
export function ethereumAddress(publicKey: string | Uint8Array): string {
  const compressed = compressedKey(publicKey);
  const uncompressed = secp256k1.Point.fromBytes(compressed).toBytes(false);
  return eip55(keccak_256(uncompressed.subarray(1)).subarray(12));
}

/** P2WPKH address (bech32, witness v0, HASH160 of the compressed key) of a 33-byte key. */
export function p2wpkhAddress(publicKey: string | Uint8Array, network: Network = 'bc'): string {
  const hrp = NetworkSchema.parse(network);
  const keyHash = ripemd160(sha256(compressedKey(publicKey)));
  return bech32.encode(hrp, [0, ...bech32.toWords(keyHash)]);
}
