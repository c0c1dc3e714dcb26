import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The HS256 secret of a data directory: generated on first use and kept in
 * `<dir>/jwt-secret` (mode 0600) so tokens stay valid across restarts and `sigsocket token`
 * signs with the same secret the server verifies with.
 */
export function loadOrCreateSecret(dataDir: string): Uint8Array {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'jwt-secret');
  try {
    const fd = fs.openSync(file, 'wx', 0o600);
    fs.writeSync(fd, crypto.randomBytes(32).toString('hex') + '\n');
    fs.closeSync(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const hex = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error(`${file} does not hold a 64-hex-digit secret; delete it to generate a new one`);
  }
  return Buffer.from(hex, 'hex');
}

/** A secret given on the command line is used as its UTF-8 bytes. */
export function secretFromString(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}
