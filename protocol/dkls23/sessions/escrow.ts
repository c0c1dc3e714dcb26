/**
 * A DKLs23 escrow blob: the holder's key-share record (`../key-share.ts`), deflated, sealed to
 * its own identity key and bound to the keygen session and the holder's name (docs/ecdsa.md,
 * Escrow). The server stores it and hands it back in every signing invitation; only the holder
 * opens it. Deflate halves the hex JSON (a 2-of-3 share: 53 kB → about 28 kB).
 *
 * @module
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { E2eError, openFromSelf, sealToSelf, type KeyInput } from '../../e2e.js';
import { keyShareFromRecord, keyShareToRecord } from '../key-share.js';
import type { DklsKeyShare } from '../keygen.js';
import { ESCROW_LABEL, MAX_ESCROW_BYTES } from './messages.js';

/** The JSON a key-share record can grow to before deflate (255 holders of 26 kB each). */
const MAX_RECORD_JSON_BYTES = 8 * 1024 * 1024;

export interface EscrowOwner {
  /** The keygen session the share comes from. */
  sessionId: string;
  /** The holder's name. */
  participant: string;
}

export function sealKeyShare(
  args: EscrowOwner & { identityPublicKey: KeyInput; share: DklsKeyShare },
): string {
  const json = JSON.stringify({
    v: 1,
    sessionId: args.sessionId,
    record: keyShareToRecord(args.share),
  });
  const plaintext = new Uint8Array(deflateRawSync(Buffer.from(json, 'utf8')));
  return sealToSelf({ ...args, label: ESCROW_LABEL, plaintext });
}

/** Opens and checks a blob of `sealKeyShare` (the record's own checks included). */
export function openKeyShare(
  args: EscrowOwner & { identitySecretKey: KeyInput; escrow: string },
): DklsKeyShare {
  const deflated = openFromSelf({
    ...args,
    label: ESCROW_LABEL,
    blob: args.escrow,
    maxBytes: MAX_ESCROW_BYTES,
  });
  let payload: unknown;
  try {
    const json = inflateRawSync(deflated, { maxOutputLength: MAX_RECORD_JSON_BYTES });
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new E2eError('INVALID_PLAINTEXT', 'escrow plaintext is not a deflated JSON record');
  }
  const { v, sessionId, record } = (payload ?? {}) as Record<string, unknown>;
  if (v !== 1 || sessionId !== args.sessionId) {
    throw new E2eError('INVALID_PLAINTEXT', 'escrow blob is not a key share of this keygen');
  }
  return keyShareFromRecord(record);
}
