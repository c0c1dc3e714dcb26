// Independent checks of what the demo got back: each signature is verified again here with
// noble, as a user of the signature would, instead of trusting the server's word.
import type { FROST } from '@noble/curves/abstract/frost.js';
import { ed25519, ristretto255_FROST } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { p256_FROST } from '@noble/curves/nist.js';
import { schnorr, secp256k1, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { base58, bech32m } from '@scure/base';
import { bytesToHex, hexToBytes } from '../../protocol/encoding.js';
import { schemeInfo, verifySignature, type Scheme } from '../../protocol/frost/index.js';
import { isDklsScheme, type ThresholdScheme } from '../../protocol/threshold-schemes.js';

export interface Check {
  /** What was verified, e.g. `schnorr.verify (BIP340) under the x-only key 1f…`. */
  what: string;
  ok: boolean;
}

/** A threshold signature (hex) over `message` (hex) under the group key (hex), as reported. */
export interface ThresholdOutput {
  scheme: Scheme;
  groupPublicKey: string;
  message: string;
  signature: string;
  address?: string | null;
}

function attempt(what: string, verify: () => boolean): Check {
  try {
    return { what, ok: verify() };
  } catch {
    return { what, ok: false };
  }
}

interface Independent {
  /** In a few words, e.g. `RFC 8032 (noble ed25519.verify)`. */
  by: string;
  check(run: ThresholdOutput): Check;
}

type EdVerify = (
  sig: Uint8Array,
  msg: Uint8Array,
  key: Uint8Array,
  o: { zip215: boolean },
) => boolean;

// noble's plain RFC 8032 verify; zip215: false is the RFC's strict rule (noble's default: ZIP-215).
function rfc8032(name: string, curve: string, verify: EdVerify): Independent {
  return {
    by: `RFC 8032 (noble ${name}.verify)`,
    check: ({ groupPublicKey, message, signature }) =>
      attempt(`${name}.verify (noble, RFC 8032 ${curve}, not FROST code) under the group key`, () =>
        verify(hexToBytes(signature), hexToBytes(message), hexToBytes(groupPublicKey), {
          zip215: false,
        }),
      ),
  };
}

// noble's own RFC 9591 implementation: since protocol/frost runs on our engine, another FROST.
function nobleFrost(name: string, frost: FROST): Independent {
  return {
    by: `RFC 9591 (noble ${name}.verify)`,
    check: ({ groupPublicKey, message, signature }) =>
      attempt(`${name}.verify (noble's FROST, not our engine) under the group key`, () =>
        frost.verify(hexToBytes(signature), hexToBytes(message), hexToBytes(groupPublicKey)),
      ),
  };
}

/**
 * A verifier that shares no code with protocol/frost: for the schemes whose signatures are a
 * standard outside FROST, that standard (BIP340 for Taproot, RFC 8032 for Ed25519 and Ed448,
 * noble's plain `verify`); for those that exist only in RFC 9591, noble's FROST module.
 */
const INDEPENDENT: Partial<Record<Scheme, Independent>> = {
  'frost-secp256k1-tr': {
    by: 'BIP340 (noble schnorr.verify)',
    check: ({ groupPublicKey, message, signature }) => {
      const xOnly = groupPublicKey.slice(2);
      return attempt(`schnorr.verify (noble, BIP340) under the x-only key ${xOnly}`, () =>
        schnorr.verify(hexToBytes(signature), hexToBytes(message), hexToBytes(xOnly)),
      );
    },
  },
  'frost-ed25519': rfc8032('ed25519', 'Ed25519', ed25519.verify),
  'frost-ed448': rfc8032('ed448', 'Ed448', ed448.verify),
  'frost-secp256k1': nobleFrost('secp256k1_FROST', secp256k1_FROST),
  'frost-p256': nobleFrost('p256_FROST', p256_FROST),
  'frost-ristretto255': nobleFrost('ristretto255_FROST', ristretto255_FROST),
};

/** Who verified a scheme's signatures, in a few words (the demo's closing lines). */
export function verifiersOf(scheme: ThresholdScheme): string {
  // The server verified it too (protocol/dkls23); the demo's own checks share no code with it.
  if (isDklsScheme(scheme)) return 'noble secp256k1.verify + Ethereum address recovery';
  const independent = INDEPENDENT[scheme];
  return independent ? `protocol/frost + ${independent.by}` : 'protocol/frost (RFC 9591) only';
}

/** Per address kind (a suite's `address.kind`): the address decoded back to the group key. */
const ADDRESS_CHECKS: Record<
  string,
  { says: string; holds(key: string, address: string): boolean }
> = {
  P2TR: {
    says: 'encodes the x-only group key',
    holds(key, address) {
      const { words } = bech32m.decode(address as `${string}1${string}`);
      const program = bech32m.fromWords(words.slice(1));
      return words[0] === 1 && bytesToHex(program) === key.slice(2).toLowerCase();
    },
  },
  Solana: {
    says: 'is the base58 of the group key',
    holds: (key, address) => bytesToHex(base58.decode(address)) === key.toLowerCase(),
  },
};

function addressChecks(run: ThresholdOutput): Check[] {
  const kind = schemeInfo(run.scheme).address?.kind;
  if (kind === undefined) return [];
  if (!run.address) return [{ what: `the keygen result has a ${kind} address`, ok: false }];
  const check = ADDRESS_CHECKS[kind];
  if (!check) return [];
  const address = run.address;
  return [
    attempt(`${kind} address ${address} ${check.says}`, () =>
      check.holds(run.groupPublicKey, address),
    ),
  ];
}

/**
 * protocol/frost `verifySignature` for the scheme (labelled as what it is: the RFC 9591 check, or
 * BIP340 for Taproot); then the independent verifier where there is one, and the address (if the
 * scheme has one) against the key.
 */
export function thresholdChecks(run: ThresholdOutput): Check[] {
  const { scheme, groupPublicKey, message, signature } = run;
  const independent = INDEPENDENT[scheme];
  const suite = scheme === 'frost-secp256k1-tr' ? 'BIP340' : `RFC 9591 ${schemeInfo(scheme).title}`;
  return [
    attempt(`${suite} signature under the group key (protocol/frost verifySignature)`, () =>
      verifySignature(scheme, groupPublicKey, message, signature),
    ),
    ...(independent ? [independent.check(run)] : []),
    ...addressChecks(run),
  ];
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
