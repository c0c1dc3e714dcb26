// End-to-end encryption between participants' secp256k1 identity keys:
//  - DKG round-2 shares: static ECDH(sender, recipient) -> HKDF-SHA256 -> XChaCha20-Poly1305;
//  - escrow: a participant's key share sealed to its OWN identity key with an ephemeral key.
// Both are bound (HKDF info and AEAD AAD) to a label, the session id and the participant names.
// Layouts and labels are specified in docs/protocol.md.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import {
  bytesToHex,
  hexBytes,
  hexString,
  hexToBytes,
  parsePublicKey,
  publicKeyFromBytes,
} from './encoding.js';
import { SigSocketError } from './errors.js';
import {
  KeyShareFieldsSchema,
  ScalarHexSchema,
  checkKeyShareSuite,
  type KeyShare,
} from './frost/schemas.js';
import type { Scheme } from './frost/schemes.js';
import { verifyingShareOf } from './frost/vss.js';
import { secp256k1Group } from './group/secp256k1.js';
import { describeIssues } from './validation.js';

export const SHARE_LABEL = 'sigsocket/v1/frost-dkg-share';
export const ESCROW_LABEL = 'sigsocket/v1/frost-escrow';
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const MAX_ESCROW_BYTES = 4096;

export type E2eErrorCode =
  'INVALID_KEY' | 'MALFORMED_CIPHERTEXT' | 'DECRYPTION_FAILED' | 'INVALID_PLAINTEXT';

export class E2eError extends SigSocketError<E2eErrorCode> {}

/** Encrypted round-2 share: nonce(24) || ciphertext(scalar: 32, or 57 for Ed448) || tag(16). */
export const EncryptedShareSchema = z.union(
  [32, 57].map((scalar) => hexBytes(NONCE_BYTES + scalar + TAG_BYTES)) as [
    ReturnType<typeof hexBytes>,
    ReturnType<typeof hexBytes>,
  ],
  {
    error: `expected ${NONCE_BYTES + 32 + TAG_BYTES} or ${NONCE_BYTES + 57 + TAG_BYTES} bytes of hex`,
  },
);
/** Escrow blob: ephemeralPub(33) || nonce(24) || ciphertext(JSON) || tag(16). */
export const EscrowBlobSchema = hexString({
  min: 33 + NONCE_BYTES + TAG_BYTES + 2,
  max: MAX_ESCROW_BYTES,
});

/** Escrow plaintext: the participant's KeyShare plus the keygen session id it belongs to. */
export const EscrowPayloadSchema = KeyShareFieldsSchema.extend({
  v: z.literal(1),
  sessionId: z.string().min(1),
}).superRefine(checkKeyShareSuite);
export type EscrowPayload = z.output<typeof EscrowPayloadSchema>;

/** A key as hex (secret: 64 digits; public: any form parsePublicKey accepts) or raw bytes. */
export type KeyInput = string | Uint8Array;

function secretKeyBytes(key: KeyInput): Uint8Array {
  try {
    const bytes = typeof key === 'string' ? hexToBytes(key, 32) : key;
    if (!secp256k1Group.isSecretKey(bytes)) throw new Error('out of range');
    return bytes;
  } catch {
    throw new E2eError(
      'INVALID_KEY',
      'identity secret key must be 32 bytes (64 hex digits) in [1, n-1]',
    );
  }
}

function publicKeyBytes(key: KeyInput): Uint8Array {
  try {
    return hexToBytes(typeof key === 'string' ? parsePublicKey(key) : publicKeyFromBytes(key));
  } catch (err) {
    throw new E2eError('INVALID_KEY', `invalid identity public key: ${(err as Error).message}`);
  }
}

/** u16 big-endian length || UTF-8 bytes. */
export function lengthPrefixed(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > 0xffff) {
    throw new E2eError('INVALID_PLAINTEXT', 'binding field longer than 65535 bytes');
  }
  return new Uint8Array([bytes.length >> 8, bytes.length & 0xff, ...bytes]);
}

const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** x-coordinate of ECDH(secretKey, publicKey). */
const ecdhX = (sk: Uint8Array, pk: Uint8Array): Uint8Array => secp256k1Group.ecdh(sk, pk);

/** A fresh ephemeral key pair: random 32 bytes, drawn again until they are in [1, n−1]. */
function ephemeralKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  let secretKey = randomBytes(32);
  while (!secp256k1Group.isSecretKey(secretKey)) secretKey = randomBytes(32);
  return { secretKey, publicKey: secp256k1Group.publicKey(secretKey) };
}

const deriveKey = (label: string, shared: Uint8Array, binding: Uint8Array): Uint8Array =>
  hkdf(sha256, shared, new TextEncoder().encode(label), binding, 32);

function seal(label: string, shared: Uint8Array, binding: Uint8Array, plain: Uint8Array) {
  const key = deriveKey(label, shared, binding);
  const nonce = randomBytes(NONCE_BYTES);
  return concat(nonce, xchacha20poly1305(key, nonce, binding).encrypt(plain));
}

function open(label: string, shared: Uint8Array, binding: Uint8Array, box: Uint8Array): Uint8Array {
  const key = deriveKey(label, shared, binding);
  const nonce = box.subarray(0, NONCE_BYTES);
  try {
    return xchacha20poly1305(key, nonce, binding).decrypt(box.subarray(NONCE_BYTES));
  } catch {
    throw new E2eError(
      'DECRYPTION_FAILED',
      'decryption failed: wrong key, session, sender or recipient, or the ciphertext was altered',
    );
  }
}

function parseBlob(schema: z.ZodType<string>, blob: string, what: string): Uint8Array {
  const r = schema.safeParse(blob);
  if (!r.success) {
    const why = describeIssues(r.error, { first: true });
    throw new E2eError('MALFORMED_CIPHERTEXT', `malformed ${what}: ${why}`);
  }
  return hexToBytes(r.data);
}

export interface ShareContext {
  sessionId: string;
  /** Participant names as registered (sender encrypts, recipient decrypts). */
  sender: string;
  recipient: string;
}

const shareBinding = (c: ShareContext): Uint8Array =>
  concat(
    lengthPrefixed(SHARE_LABEL),
    lengthPrefixed(c.sessionId),
    lengthPrefixed(c.sender),
    lengthPrefixed(c.recipient),
  );

/** Encrypt a DKG round-2 share (scalar hex of any suite) from sender to recipient. Returns hex. */
export function encryptShare(
  args: ShareContext & { senderSecretKey: KeyInput; recipientPublicKey: KeyInput; share: string },
): string {
  const share = ScalarHexSchema.safeParse(args.share);
  if (!share.success) {
    throw new E2eError('INVALID_PLAINTEXT', 'share must be a 32- or 57-byte scalar in hex');
  }
  const sk = secretKeyBytes(args.senderSecretKey);
  const shared = ecdhX(sk, publicKeyBytes(args.recipientPublicKey));
  return bytesToHex(seal(SHARE_LABEL, shared, shareBinding(args), hexToBytes(share.data)));
}

/**
 * Decrypt a DKG round-2 share addressed to us. Returns the share as scalar hex; whether it is a
 * scalar of the session's suite is for the DKG to check (it names the sender if not).
 */
export function decryptShare(
  args: ShareContext & {
    recipientSecretKey: KeyInput;
    senderPublicKey: KeyInput;
    ciphertext: string;
  },
): string {
  const box = parseBlob(EncryptedShareSchema, args.ciphertext, 'encrypted share');
  const sk = secretKeyBytes(args.recipientSecretKey);
  const shared = ecdhX(sk, publicKeyBytes(args.senderPublicKey));
  const plain = open(SHARE_LABEL, shared, shareBinding(args), box);
  const share = ScalarHexSchema.safeParse(bytesToHex(plain));
  if (!share.success) {
    throw new E2eError('INVALID_PLAINTEXT', 'decrypted share is not a 32- or 57-byte scalar');
  }
  return share.data;
}

/**
 * A point-to-point message of any protocol round, sealed like a DKG share (static ECDH between
 * the identity keys) but of any length up to `MAX_DIRECT_BYTES`, and bound to the protocol's
 * label and the round as well as the session and both names (docs/protocol.md, End-to-end
 * encryption): a message of one round, pair or direction does not open as another.
 */
export interface DirectContext extends ShareContext {
  /** The protocol's label, e.g. `sigsocket/v1/dkls23-direct`. */
  label: string;
  /** The round and attempt it belongs to, e.g. `sign/round1/1`. */
  round: string;
}

/** Largest plaintext of a sealed direct message (a DKLs23 signing round-2 message is 53 kB). */
export const MAX_DIRECT_BYTES = 256 * 1024;

/** Sealed direct message: nonce(24) ‖ ciphertext ‖ tag(16), as hex. */
export const EncryptedDirectSchema = hexString({
  min: NONCE_BYTES + TAG_BYTES + 1,
  max: NONCE_BYTES + TAG_BYTES + MAX_DIRECT_BYTES,
});

/** A sealed direct message of exactly `plaintextBytes` (when the round's messages have one size). */
export const encryptedDirectOf = (plaintextBytes: number) =>
  hexBytes(NONCE_BYTES + plaintextBytes + TAG_BYTES);

const directBinding = (c: DirectContext): Uint8Array =>
  concat(
    lengthPrefixed(c.label),
    lengthPrefixed(c.round),
    lengthPrefixed(c.sessionId),
    lengthPrefixed(c.sender),
    lengthPrefixed(c.recipient),
  );

export function encryptDirect(
  args: DirectContext & {
    senderSecretKey: KeyInput;
    recipientPublicKey: KeyInput;
    plaintext: Uint8Array;
  },
): string {
  if (args.plaintext.length === 0 || args.plaintext.length > MAX_DIRECT_BYTES) {
    throw new E2eError('INVALID_PLAINTEXT', `a direct message is 1..${MAX_DIRECT_BYTES} bytes`);
  }
  const sk = secretKeyBytes(args.senderSecretKey);
  const shared = ecdhX(sk, publicKeyBytes(args.recipientPublicKey));
  return bytesToHex(seal(args.label, shared, directBinding(args), args.plaintext));
}

export function decryptDirect(
  args: DirectContext & {
    recipientSecretKey: KeyInput;
    senderPublicKey: KeyInput;
    ciphertext: string;
  },
): Uint8Array {
  const box = parseBlob(EncryptedDirectSchema, args.ciphertext, 'encrypted message');
  const sk = secretKeyBytes(args.recipientSecretKey);
  const shared = ecdhX(sk, publicKeyBytes(args.senderPublicKey));
  return open(args.label, shared, directBinding(args), box);
}

/**
 * Seals any plaintext to one's own identity public key (ECIES with an ephemeral key), bound to
 * `label`, the session and the owner's name: the escrow of a scheme whose key share is not a
 * FROST KeyShare (DKLs23). Returns ephemeralPub(33) ‖ nonce(24) ‖ ciphertext ‖ tag(16) as hex.
 */
export function sealToSelf(
  args: EscrowContext & { label: string; identityPublicKey: KeyInput; plaintext: Uint8Array },
): string {
  const binding = (eph: Uint8Array, id: Uint8Array) => escrowBinding(args.label, args, eph, id);
  return sealForSelf(args.label, binding, publicKeyBytes(args.identityPublicKey), args.plaintext);
}

/** Opens what `sealToSelf` sealed; `maxBytes` bounds the blob it accepts. */
export function openFromSelf(
  args: EscrowContext & {
    label: string;
    identitySecretKey: KeyInput;
    blob: string;
    maxBytes: number;
  },
): Uint8Array {
  const schema = hexString({ min: 33 + NONCE_BYTES + TAG_BYTES + 1, max: args.maxBytes });
  const blob = parseBlob(schema, args.blob, 'sealed blob');
  const binding = (eph: Uint8Array, id: Uint8Array) => escrowBinding(args.label, args, eph, id);
  return openForSelf(
    args.label,
    binding,
    blob,
    secretKeyBytes(args.identitySecretKey),
    'sealed blob',
  );
}

/** ECIES to one's own identity key: ephemeralPub(33) ‖ nonce(24) ‖ ciphertext ‖ tag(16), hex. */
function sealForSelf(
  label: string,
  binding: (ephemeralPub: Uint8Array, identityPub: Uint8Array) => Uint8Array,
  identityPub: Uint8Array,
  plaintext: Uint8Array,
): string {
  const eph = ephemeralKeyPair();
  const box = seal(
    label,
    ecdhX(eph.secretKey, identityPub),
    binding(eph.publicKey, identityPub),
    plaintext,
  );
  return bytesToHex(concat(eph.publicKey, box));
}

function openForSelf(
  label: string,
  binding: (ephemeralPub: Uint8Array, identityPub: Uint8Array) => Uint8Array,
  blob: Uint8Array,
  sk: Uint8Array,
  what: string,
): Uint8Array {
  const ephemeralPub = blob.subarray(0, 33);
  let shared: Uint8Array;
  try {
    shared = ecdhX(sk, hexToBytes(publicKeyFromBytes(ephemeralPub)));
  } catch {
    throw new E2eError(
      'MALFORMED_CIPHERTEXT',
      `${what}: ephemeral public key is not a valid point`,
    );
  }
  const identityPub = secp256k1Group.publicKey(sk);
  return open(label, shared, binding(ephemeralPub, identityPub), blob.subarray(33));
}

export interface EscrowContext {
  sessionId: string;
  /** Name of the participant owning the share (and the identity key). */
  participant: string;
}

const escrowBinding = (
  label: string,
  c: EscrowContext,
  ephemeralPub: Uint8Array,
  identityPub: Uint8Array,
) =>
  concat(
    lengthPrefixed(label),
    lengthPrefixed(c.sessionId),
    lengthPrefixed(c.participant),
    ephemeralPub,
    identityPub,
  );

const matchesVerifyingShare = (
  share: Pick<KeyShare, 'scheme' | 'signingShare' | 'verifyingShare'>,
) => verifyingShareOf(share.scheme as Scheme, share.signingShare) === share.verifyingShare;

/** Seal `keyShare` to the participant's own identity public key (ECIES). Returns hex. */
export function encryptEscrow(
  args: EscrowContext & {
    identityPublicKey: KeyInput;
    keyShare: z.input<typeof KeyShareFieldsSchema>;
  },
): string {
  // Non-strict parse: a DkgOutput (with verifyingShares) may be passed; extras are not escrowed.
  const share = z
    .object(KeyShareFieldsSchema.shape)
    .superRefine(checkKeyShareSuite)
    .safeParse(args.keyShare);
  if (!share.success) {
    const why = describeIssues(share.error, { first: true });
    throw new E2eError('INVALID_PLAINTEXT', `invalid key share: ${why}`);
  }
  if (!matchesVerifyingShare(share.data)) {
    throw new E2eError('INVALID_PLAINTEXT', 'key share: verifyingShare != signingShare·G');
  }
  const payload: EscrowPayload = { v: 1, sessionId: args.sessionId, ...share.data };
  const plaintext = new TextEncoder().encode(JSON.stringify(payload));
  const binding = (eph: Uint8Array, id: Uint8Array) => escrowBinding(ESCROW_LABEL, args, eph, id);
  return sealForSelf(ESCROW_LABEL, binding, publicKeyBytes(args.identityPublicKey), plaintext);
}

/** Open an escrow blob with the identity secret key; checks the session and payload. */
export function decryptEscrow(
  args: EscrowContext & { identitySecretKey: KeyInput; escrow: string },
): EscrowPayload {
  const blob = parseBlob(EscrowBlobSchema, args.escrow, 'escrow blob');
  const sk = secretKeyBytes(args.identitySecretKey);
  const binding = (eph: Uint8Array, id: Uint8Array) => escrowBinding(ESCROW_LABEL, args, eph, id);
  const plaintext = openForSelf(ESCROW_LABEL, binding, blob, sk, 'escrow blob');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    throw new E2eError('INVALID_PLAINTEXT', 'escrow plaintext is not UTF-8 JSON');
  }
  const payload = EscrowPayloadSchema.safeParse(json);
  if (
    !payload.success ||
    payload.data.sessionId !== args.sessionId ||
    !matchesVerifyingShare(payload.data)
  ) {
    throw new E2eError(
      'INVALID_PLAINTEXT',
      'escrow plaintext is not a valid key share for this session',
    );
  }
  return payload.data;
}
