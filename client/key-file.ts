import fs from 'node:fs';
import path from 'node:path';
import { isValidSecretKey, randomSecretKey } from '../protocol/ecdsa/sign.js';
import { SigSocketError } from '../protocol/errors.js';
import { createFileDurable } from './durable-fs.js';

export type KeyFileErrorCode = 'CANNOT_READ' | 'NOT_A_SECRET_KEY' | 'CANNOT_CREATE';

export class KeyFileError extends SigSocketError<KeyFileErrorCode> {}

export interface LoadedKey {
  secretKey: Uint8Array;
  /** True when the file did not exist and was created now. */
  created: boolean;
  /** True when group or others may read the file (it should be 0600). */
  readableByOthers: boolean;
}

/**
 * A key file holds one secp256k1 secret key: 32 bytes as 64 hex digits (a trailing newline is
 * fine). A missing file is created with a fresh random key, mode 0600, atomically and durably,
 * never overwriting a file that appears meanwhile.
 */
export function loadOrCreateKeyFile(file: string): LoadedKey {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new KeyFileError(
        'CANNOT_READ',
        `key file ${file}: cannot read: ${(err as Error).message}`,
      );
    }
    return createKeyFile(file);
  }
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new KeyFileError(
      'NOT_A_SECRET_KEY',
      `key file ${file}: expected a secret key as 64 hex digits`,
    );
  }
  const secretKey = new Uint8Array(Buffer.from(hex, 'hex'));
  if (!isValidSecretKey(secretKey)) {
    throw new KeyFileError(
      'NOT_A_SECRET_KEY',
      `key file ${file}: not a valid secp256k1 secret key (zero or not below the group order)`,
    );
  }
  const mode = fs.statSync(file).mode;
  return { secretKey, created: false, readableByOthers: (mode & 0o077) !== 0 };
}

function createKeyFile(file: string): LoadedKey {
  const secretKey = randomSecretKey();
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    createFileDurable(path.resolve(file), Buffer.from(secretKey).toString('hex') + '\n');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKeyFile(file);
    throw new KeyFileError(
      'CANNOT_CREATE',
      `key file ${file}: cannot create: ${(err as Error).message}`,
    );
  }
  return { secretKey, created: true, readableByOthers: false };
}
