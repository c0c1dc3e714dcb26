import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Fields that hold what docs/CONVENTIONS.md ("Logs") says never to log: tokens and other credentials, secret keys,
 * key shares (plain or encrypted), nonces and escrow blobs. Public values that share a word
 * (`verifyingShare(s)`, nonce commitments) are not in the list.
 */
const SECRET_FIELDS = [
  // credentials
  'token',
  'tokens',
  'authorization',
  'connectionParams',
  'secret',
  'jwtSecret',
  // secret keys
  'secretKey',
  'privateKey',
  'identitySecretKey',
  'senderSecretKey',
  'recipientSecretKey',
  // FROST key material and its round-2 shares (also as ciphertexts)
  'signingShare',
  'keyShare',
  'secretState',
  'share',
  'shares',
  'sharesFor',
  'sigShares',
  'ciphertext',
  // nonces and escrow blobs
  'nonce',
  'nonces',
  'escrow',
];

/** Each field at the top level and one level down (`{ submission: { share } }`). */
const REDACT_PATHS = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
  // a request logged whole (`{ req }`)
  '*.headers.authorization',
];

/**
 * JSON logs on stderr (stdout stays free for `--json` output). Anything that looks like a
 * credential or key material is redacted even if a caller passes it by mistake. `destination`
 * is for tests.
 */
export function createLogger(
  level: string = 'info',
  destination: DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      level,
      base: { service: 'sigsocket' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
