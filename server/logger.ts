import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stderr (stdout stays free for `--json` output). Anything that looks like a
 * credential or key material is redacted even if a caller passes it by mistake.
 */
export function createLogger(level: string = 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'sigsocket' },
      redact: {
        paths: [
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'secret',
          '*.secret',
          'secretKey',
          '*.secretKey',
          'share',
          '*.share',
          'shares',
          '*.shares',
          'nonces',
          '*.nonces',
          'escrow',
          '*.escrow',
          'signingShare',
          '*.signingShare',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}
