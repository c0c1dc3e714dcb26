import crypto from 'node:crypto';
import fs from 'node:fs';
import selfsigned from 'selfsigned';
import { SigSocketError } from '../protocol/errors.js';
import { systemClock, type Clock } from './clock.js';

/** A TLS file that cannot be served, naming the file; the CLI prints it and exits 1. */
export class TlsConfigError extends SigSocketError<'TLS_CONFIG_INVALID'> {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super('TLS_CONFIG_INVALID', `TLS: ${file}: ${problem}`);
  }
}

function readPem(file: string, what: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? `${what} file not found`
        : code === 'EACCES'
          ? `${what} file is not readable (permission denied)`
          : code === 'EISDIR'
            ? `${what} path is a directory, not a file`
            : `cannot read the ${what} file (${code ?? (err as Error).message})`;
    throw new TlsConfigError(file, problem);
  }
  if (!text.includes('-----BEGIN'))
    throw new TlsConfigError(file, `not a PEM ${what} (no -----BEGIN line)`);
  return text;
}

export interface TlsMaterial {
  cert: string;
  key: string;
}

/**
 * Loads and checks a PEM certificate and key before the server listens: each problem
 * (missing, unreadable, malformed, not matching) names the file.
 */
export function loadTls(
  certFile: string,
  keyFile: string,
  clock: Clock = systemClock,
): TlsMaterial {
  const cert = readPem(certFile, 'certificate');
  const key = readPem(keyFile, 'private key');
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(cert);
  } catch (err) {
    throw new TlsConfigError(certFile, `malformed certificate: ${(err as Error).message}`);
  }
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(key);
  } catch (err) {
    throw new TlsConfigError(keyFile, `malformed private key: ${(err as Error).message}`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TlsConfigError(keyFile, `private key does not match the certificate ${certFile}`);
  }
  if (new Date(x509.validTo).getTime() < clock()) {
    throw new TlsConfigError(certFile, `certificate expired on ${x509.validTo}`);
  }
  return { cert, key };
}

/** A self-signed development certificate for `host` (plus localhost, 127.0.0.1 and ::1). */
export async function generateDevCert(
  host = 'localhost',
  clock: Clock = systemClock,
): Promise<TlsMaterial> {
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (host !== 'localhost') {
    altNames.push(/^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const now = clock();
  const pems = await selfsigned.generate([{ name: 'commonName', value: host }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 365 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
