// Frames of the legacy raw-WebSocket signer protocol (docs/signing.md §1), shared by the server's
// /ws adapter and the reference signer. Text frames only; byte strings are base64 (standard or
// URL-safe alphabet, padding optional on input; we send standard padded base64).
import { randomBytes } from 'node:crypto';
import { base64Decode, base64Encode, parsePublicKey } from './encoding.js';
import { SigSocketError } from './errors.js';

/** Challenges (legacy and typed) start with this; callers may not ask signers to sign it. */
export const PROOF_PREFIX = 'sigsocket-proof:';
/** The largest frame either side sends by default (--max-frame-bytes; docs/signing.md §1). */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
const PROOF_PREFIX_BYTES = Buffer.from(PROOF_PREFIX, 'ascii');

/** Which frame was malformed: the introduction, a sign request or a sign response. */
export type LegacyFrameErrorCode =
  'INVALID_INTRODUCTION' | 'INVALID_SIGN_REQUEST' | 'INVALID_SIGN_RESPONSE';

export class LegacyFrameError extends SigSocketError<LegacyFrameErrorCode> {}

/** The random part of a challenge: 32 bytes, as 64 lowercase hex digits. */
const PROOF_NONCE = /^[0-9a-f]{64}$/;

/**
 * The origin a proof challenge is bound to, from the URL a signer was given or the server's
 * public URL: `scheme://host[:port]` as WHATWG URL parsing gives it (lowercase host, default
 * port dropped, no path), with `ws:`/`wss:` read as `http:`/`https:`.
 */
export function proofOrigin(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'ws:') parsed.protocol = 'http:';
  else if (parsed.protocol === 'wss:') parsed.protocol = 'https:';
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TypeError(`not an http(s) or ws(s) URL: ${url}`);
  return parsed.origin;
}

/**
 * A fresh proof-of-possession challenge bound to the server's origin (docs/signing.md, "Proof
 * of possession"): the ASCII text `sigsocket-proof:<origin>:<64 hex digits of 32 random bytes>`.
 */
export function proofChallenge(origin: string): Uint8Array {
  return new Uint8Array(
    Buffer.from(
      `${PROOF_PREFIX}${proofOrigin(origin)}:${randomBytes(32).toString('hex')}`,
      'ascii',
    ),
  );
}

/** The origin a challenge names, or undefined when it is not a well-formed challenge. */
export function proofChallengeOrigin(message: Uint8Array): string | undefined {
  if (!isProofChallenge(message)) return undefined;
  const text = Buffer.from(message).toString('latin1');
  const colon = text.lastIndexOf(':');
  const origin = text.slice(PROOF_PREFIX.length, colon);
  if (colon <= PROOF_PREFIX.length || !PROOF_NONCE.test(text.slice(colon + 1))) return undefined;
  try {
    return proofOrigin(origin) === origin ? origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a signer checks before it signs a challenge: that it is well formed and names the
 * origin of the server the signer connected to (`serverUrl`), so that a server cannot have it
 * sign a challenge of another deployment. Returns the reason to refuse, or undefined.
 */
export function foreignProofChallenge(message: Uint8Array, serverUrl: string): string | undefined {
  const origin = proofChallengeOrigin(message);
  const expected = proofOrigin(serverUrl);
  if (origin === undefined) return 'the proof challenge is not sigsocket-proof:<origin>:<hex>';
  if (origin !== expected)
    return `the proof challenge is for ${origin}, not for ${expected} (the server this signer connected to)`;
  return undefined;
}

export function isProofChallenge(message: Uint8Array): boolean {
  return (
    message.length >= PROOF_PREFIX_BYTES.length &&
    Buffer.from(message.buffer, message.byteOffset, PROOF_PREFIX_BYTES.length).equals(
      PROOF_PREFIX_BYTES,
    )
  );
}

/** Introduction: the signer's public key (hex or base64 of 33/65 bytes) → compressed hex. */
export function parseIntroduction(frame: string): string {
  if (frame.length > 200) {
    throw new LegacyFrameError(
      'INVALID_INTRODUCTION',
      `introduction must be a public key, got ${frame.length} characters`,
    );
  }
  try {
    return parsePublicKey(frame.trim());
  } catch (err) {
    throw new LegacyFrameError(
      'INVALID_INTRODUCTION',
      `invalid public key: ${(err as Error).message}`,
    );
  }
}

/** A sign request frame: base64(message). */
export function decodeSignRequest(frame: string): Uint8Array {
  try {
    return base64Decode(frame);
  } catch (err) {
    throw new LegacyFrameError(
      'INVALID_SIGN_REQUEST',
      `sign request is not base64: ${(err as Error).message}`,
    );
  }
}

export function encodeSignResponse(message: Uint8Array, signature: Uint8Array): string {
  return `${base64Encode(message)}.${base64Encode(signature)}`;
}

export interface SignResponse {
  message: Uint8Array;
  signature: Uint8Array;
}

/** `base64(message).base64(signature)` → bytes; LegacyFrameError naming what is wrong. */
export function parseSignResponse(frame: string): SignResponse {
  const dot = frame.indexOf('.');
  if (dot < 0 || frame.indexOf('.', dot + 1) >= 0) {
    throw new LegacyFrameError(
      'INVALID_SIGN_RESPONSE',
      'a sign response is base64(message).base64(signature): one dot',
    );
  }
  let message: Uint8Array;
  let signature: Uint8Array;
  try {
    message = base64Decode(frame.slice(0, dot));
  } catch (err) {
    throw new LegacyFrameError(
      'INVALID_SIGN_RESPONSE',
      `echoed message is not base64: ${(err as Error).message}`,
    );
  }
  try {
    signature = base64Decode(frame.slice(dot + 1));
  } catch (err) {
    throw new LegacyFrameError(
      'INVALID_SIGN_RESPONSE',
      `signature is not base64: ${(err as Error).message}`,
    );
  }
  if (message.length === 0) {
    throw new LegacyFrameError('INVALID_SIGN_RESPONSE', 'echoed message is empty');
  }
  if (signature.length === 0) {
    throw new LegacyFrameError('INVALID_SIGN_RESPONSE', 'signature is empty');
  }
  return { message, signature };
}
