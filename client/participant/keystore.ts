// The participant's encrypted keystore: one directory, one sealed file per secret record.
// Format (docs/participant.md): every record file is
//   0x01 ‖ nonce(24) ‖ XChaCha20-Poly1305(key, nonce, aad).encrypt(UTF-8 JSON)
// with key = HKDF-SHA256(identity secret key, salt "sigsocket/v1/keystore", info = identity
// public key (33 B)) and aad = lp(label) ‖ lp("<kind>/<id>"), so a file moved to another name
// or another keystore does not open.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { publicKeyOf } from '../../protocol/ecdsa/sign.js';
import { lengthPrefixed } from '../../protocol/e2e.js';
import { bytesToHex } from '../../protocol/encoding.js';
import { SigSocketError } from '../../protocol/errors.js';
import {
  ensurePrivateDir,
  readFileIfExists,
  removeFileDurable,
  writeFileDurable,
} from '../durable-fs.js';

export const KEYSTORE_LABEL = 'sigsocket/v1/keystore';
const FORMAT_VERSION = 1;
const NONCE_BYTES = 24;
const META_FILE = 'keystore.json';
const SUFFIX = '.sealed';

/** What each record kind holds (see docs/participant.md). */
export const RECORD_KINDS = [
  'session',
  'dkg',
  'keygen-share',
  'key',
  'nonces',
  'dkls-keygen',
  'dkls-key-share',
  'dkls-key',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Record ids become file names: no separators, never `.` or `..`. */
const RecordIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/);

/**
 * Kinds whose opened contents are kept in memory while their file is unchanged: the answered
 * invitations, read at every event of their session (a DKLs23 invitation carries the sealed
 * escrow, tens of kB). They hold nothing secret; records with secrets are opened at each read.
 */
const KEPT_OPEN: ReadonlySet<RecordKind> = new Set(['session']);
const KEPT_OPEN_MAX = 256;

const MetaSchema = z.object({
  v: z.literal(FORMAT_VERSION),
  identityKey: z.string(),
  kdf: z.literal('hkdf-sha256'),
  aead: z.literal('xchacha20poly1305'),
});

export type KeystoreErrorCode = 'IDENTITY_MISMATCH' | 'CORRUPT' | 'INVALID_RECORD_ID';

export class KeystoreError extends SigSocketError<KeystoreErrorCode> {}

export class Keystore {
  private constructor(
    readonly dir: string,
    private readonly key: Uint8Array,
  ) {}

  /** Opened KEPT_OPEN records by file, with the file's identity when it was opened. */
  private readonly keptOpen = new Map<string, { stamp: string; plain: string }>();

  /**
   * Opens (or creates, mode 0700) the keystore in `dir` for this identity. A keystore made by
   * another identity key is refused: its records would not open anyway.
   */
  static open(dir: string, identitySecretKey: Uint8Array): Keystore {
    const identityPublic = publicKeyOf(identitySecretKey);
    const identityKey = bytesToHex(identityPublic);
    ensurePrivateDir(dir);
    const metaFile = path.join(dir, META_FILE);
    const raw = readFileIfExists(metaFile);
    if (raw === undefined) {
      const meta = {
        v: FORMAT_VERSION,
        identityKey,
        kdf: 'hkdf-sha256',
        aead: 'xchacha20poly1305',
      };
      writeFileDurable(metaFile, JSON.stringify(meta) + '\n');
    } else {
      const meta = MetaSchema.safeParse(safeJson(raw.toString('utf8')));
      if (!meta.success)
        throw new KeystoreError('CORRUPT', `${metaFile}: not a keystore description`);
      if (meta.data.identityKey !== identityKey) {
        throw new KeystoreError(
          'IDENTITY_MISMATCH',
          `keystore ${dir} belongs to identity key ${meta.data.identityKey}, not ${identityKey}`,
        );
      }
    }
    const salt = new TextEncoder().encode(KEYSTORE_LABEL);
    return new Keystore(dir, hkdf(sha256, identitySecretKey, salt, identityPublic, 32));
  }

  /** The file that holds record `kind/id`. */
  path(kind: RecordKind, id: string): string {
    if (!RecordIdSchema.safeParse(id).success) {
      throw new KeystoreError(
        'INVALID_RECORD_ID',
        `invalid keystore record id ${JSON.stringify(id)}`,
      );
    }
    return path.join(this.dir, kind, id + SUFFIX);
  }

  /** The record, validated by `schema`; undefined when absent. Throws CORRUPT if it does not open. */
  read<S extends z.ZodType>(kind: RecordKind, id: string, schema: S): z.output<S> | undefined {
    const file = this.path(kind, id);
    const plain = KEPT_OPEN.has(kind)
      ? this.openKept(kind, id, file)
      : this.openFile(kind, id, file);
    if (plain === undefined) return undefined;
    const parsed = schema.safeParse(safeJson(plain));
    if (!parsed.success) throw new KeystoreError('CORRUPT', `${file}: unexpected record contents`);
    return parsed.data;
  }

  private openFile(kind: RecordKind, id: string, file: string): string | undefined {
    const sealed = readFileIfExists(file);
    return sealed === undefined ? undefined : this.open(kind, id, sealed, file);
  }

  /**
   * The opened record, from memory while the file is the one opened before (same inode, size and
   * modification time: every write replaces the file with a new one).
   */
  private openKept(kind: RecordKind, id: string, file: string): string | undefined {
    const stat = fs.statSync(file, { throwIfNoEntry: false, bigint: true });
    if (stat === undefined) {
      this.keptOpen.delete(file);
      return undefined;
    }
    const stamp = `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
    const kept = this.keptOpen.get(file);
    if (kept?.stamp === stamp) return kept.plain;
    const plain = this.openFile(kind, id, file);
    if (plain === undefined) return undefined;
    this.keptOpen.delete(file);
    if (this.keptOpen.size >= KEPT_OPEN_MAX)
      this.keptOpen.delete(this.keptOpen.keys().next().value!);
    this.keptOpen.set(file, { stamp, plain });
    return plain;
  }

  /** Seals and durably writes the record (replacing any previous one). */
  write(kind: RecordKind, id: string, value: unknown): void {
    const file = this.path(kind, id);
    ensurePrivateDir(path.dirname(file));
    const nonce = randomBytes(NONCE_BYTES);
    const plain = new TextEncoder().encode(JSON.stringify(value));
    const box = xchacha20poly1305(this.key, nonce, binding(kind, id)).encrypt(plain);
    writeFileDurable(file, Buffer.concat([Uint8Array.of(FORMAT_VERSION), nonce, box]));
    this.keptOpen.delete(file);
  }

  /** Durably deletes the record (absent is fine). */
  remove(kind: RecordKind, id: string): void {
    const file = this.path(kind, id);
    if (fs.existsSync(path.dirname(file))) removeFileDurable(file);
    this.keptOpen.delete(file);
  }

  /** Ids of the records of one kind. */
  list(kind: RecordKind): string[] {
    const dir = path.join(this.dir, kind);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(SUFFIX) && !f.startsWith('.'))
      .map((f) => f.slice(0, -SUFFIX.length));
  }

  private open(kind: RecordKind, id: string, sealed: Buffer, file: string): string {
    if (sealed.length < 1 + NONCE_BYTES + 16 || sealed[0] !== FORMAT_VERSION) {
      throw new KeystoreError('CORRUPT', `${file}: not a sealed keystore record`);
    }
    const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
    try {
      const cipher = xchacha20poly1305(this.key, nonce, binding(kind, id));
      return new TextDecoder().decode(cipher.decrypt(sealed.subarray(1 + NONCE_BYTES)));
    } catch {
      throw new KeystoreError('CORRUPT', `${file}: does not open (altered, moved or another key)`);
    }
  }
}

const binding = (kind: RecordKind, id: string): Uint8Array =>
  new Uint8Array(Buffer.concat([lengthPrefixed(KEYSTORE_LABEL), lengthPrefixed(`${kind}/${id}`)]));

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
