// Independent checks of what the demo got back: each signature is verified again here with
// noble, as a user of the signature would, instead of trusting the server's word.
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bech32m } from '@scure/base';
import { bytesToHex, hexToBytes } from '../../protocol/encoding.js';
import { verifySignature, type Scheme } from '../../protocol/frost/index.js';

export interface Check {
  /** What was verified, e.g. `schnorr.verify (BIP340) under the x-only key 1f…`. */
  what: string;
  ok: boolean;
}

function attempt(what: string, verify: () => boolean): Check {
  try {
    return { what, ok: verify() };
  } catch {
    return { what, ok: false };
  }
}

/** The P2TR address decodes (bech32m, witness v1) to the x-only group key. */
function addressCheck(groupPublicKey: string, address: string): Check {
  return attempt(`P2TR address ${address} encodes the x-only group key`, () => {
    const { words } = bech32m.decode(address as `${string}1${string}`);
    const program = bech32m.fromWords(words.slice(1));
    return words[0] === 1 && bytesToHex(program) === groupPublicKey.slice(2).toLowerCase();
  });
}

/**
 * A threshold signature (hex) over `message` (hex) under the 33-byte group key (hex):
 * protocol/frost `verifySignature` for the scheme; for Taproot also noble's BIP340
 * `schnorr.verify` under the x-only key, and the address against the key.
 */
export function thresholdChecks(input: {
  scheme: Scheme;
  groupPublicKey: string;
  message: string;
  signature: string;
  address?: string | null;
}): Check[] {
  const { scheme, groupPublicKey, message, signature } = input;
  const suite = scheme === 'frost-secp256k1' ? 'RFC 9591 FROST(secp256k1, SHA-256)' : 'BIP340';
  const checks = [
    attempt(`${suite} signature under the group key (protocol/frost verifySignature)`, () =>
      verifySignature(scheme, groupPublicKey, message, signature),
    ),
  ];
  if (scheme === 'frost-secp256k1-tr') {
    const xOnly = groupPublicKey.slice(2);
    checks.push(
      attempt(`schnorr.verify (noble, BIP340) under the x-only key ${xOnly}`, () =>
        schnorr.verify(hexToBytes(signature), hexToBytes(message), hexToBytes(xOnly)),
      ),
    );
    if (input.address) checks.push(addressCheck(groupPublicKey, input.address));
  }
  return checks;
}

/**
 * A single-key signature as the server accepts it: ECDSA over SHA-256(message) (noble's
 * `prehash`), 64-byte compact or DER, either S.
 */
export function ecdsaChecks(input: {
  publicKey: string;
  message: Uint8Array;
  signature: Uint8Array;
}): Check[] {
  const format = input.signature.length === 64 ? 'compact' : 'der';
  const what = `secp256k1.verify (noble, ECDSA over SHA-256(message), ${format}) under the key`;
  return [
    attempt(what, () =>
      secp256k1.verify(input.signature, input.message, hexToBytes(input.publicKey), {
        prehash: true,
        lowS: false,
        format,
      }),
    ),
  ];
}
