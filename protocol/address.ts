// P2TR (BIP341/BIP350) address of a frost-secp256k1-tr group key. The group key stored for that
// scheme is already the Taproot OUTPUT key Q (noble's DKG applies the BIP86 TapTweak), so the
// address is simply bech32m(hrp, [1] ++ x(Q)) — no further tweak here.
import { bech32m } from '@scure/base';
import { z } from 'zod';
import { EncodingError, hexToBytes, publicKeyFromBytes } from './encoding.js';

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
