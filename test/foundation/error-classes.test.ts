// Every error the product raises is a SigSocketError with a stable code and its class's name
// (docs/CONVENTIONS.md, Errors); extra fields and messages are as they were.
import { describe, expect, it } from 'vitest';
import { SessionEndedError } from '../../client/coordinator/index.js';
import { KeyFileError, loadOrCreateKeyFile } from '../../client/key-file.js';
import { ParticipantError } from '../../client/participant/index.js';
import { KeystoreError } from '../../client/participant/keystore.js';
import { MissingKeyShareError } from '../../client/participant/signing-key.js';
import { StoppedError } from '../../client/retry.js';
import { HttpSignError } from '../../client/signing-http.js';
import { toWebSocketUrl } from '../../client/transport.js';
import { DataDirLockedError } from '../../db/lock.js';
import { DatabaseFileError, openDatabaseReadOnly } from '../../db/read-only.js';
import { E2eError } from '../../protocol/e2e.js';
import { EncodingError, hexToBytes } from '../../protocol/encoding.js';
import { AppError, SigSocketError } from '../../protocol/errors.js';
import { FrostError } from '../../protocol/frost/index.js';
import { LegacyFrameError, parseSignResponse } from '../../protocol/legacy.js';
import type { SessionView } from '../../protocol/session-view.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('error classes', () => {
  it('all extend SigSocketError, named after their class, with a code', () => {
    const errors: [SigSocketError, string, string][] = [
      [new AppError('NOT_FOUND', 'x'), 'AppError', 'NOT_FOUND'],
      [new E2eError('INVALID_KEY', 'x'), 'E2eError', 'INVALID_KEY'],
      [new EncodingError('INVALID_HEX', 'x'), 'EncodingError', 'INVALID_HEX'],
      [new FrostError('INVALID_INPUT', 'x'), 'FrostError', 'INVALID_INPUT'],
      [
        new LegacyFrameError('INVALID_INTRODUCTION', 'x'),
        'LegacyFrameError',
        'INVALID_INTRODUCTION',
      ],
      [new DataDirLockedError('/d/sigsocket.lock', 7), 'DataDirLockedError', 'DATA_DIR_LOCKED'],
      [
        new DatabaseFileError('DATABASE_FILE_UNREADABLE', 'x'),
        'DatabaseFileError',
        'DATABASE_FILE_UNREADABLE',
      ],
      [
        new HttpSignError(404, 'SIGNER_NOT_CONNECTED', 'x'),
        'HttpSignError',
        'SIGNER_NOT_CONNECTED',
      ],
      [new StoppedError(), 'StoppedError', 'STOPPED'],
      [new KeystoreError('CORRUPT', 'x'), 'KeystoreError', 'CORRUPT'],
      [new ParticipantError('x'), 'ParticipantError', 'REGISTRATION_REFUSED'],
      [new MissingKeyShareError('x'), 'MissingKeyShareError', 'MISSING_KEY_SHARE'],
      [new KeyFileError('CANNOT_READ', 'x'), 'KeyFileError', 'CANNOT_READ'],
    ];
    for (const [err, name, code] of errors) {
      expect(err).toBeInstanceOf(SigSocketError);
      expect(err).toBeInstanceOf(Error);
      expect([err.name, err.code]).toEqual([name, code]);
    }
  });

  it('keep their messages and extra fields', () => {
    const frost = new FrostError('INVALID_SECRET_SHARE', 'share fails', [2, 3]);
    expect(frost.message).toBe('share fails (culprits: 2, 3)');
    expect(frost.culprits).toEqual([2, 3]);
    const locked = new DataDirLockedError('/d/sigsocket.lock', 7);
    expect(locked.pid).toBe(7);
    expect(locked.message).toContain('is in use by process 7');
    const http = new HttpSignError(504, 'TIMEOUT', 'no answer');
    expect([http.status, http.message]).toEqual([504, 'POST /sign: 504 TIMEOUT: no answer']);
    const view = { kind: 'sign', id: 's1', state: 'timed_out', phase: 'signing', error: null };
    const ended = new SessionEndedError({ ...view, waitingFor: ['bob'] } as unknown as SessionView);
    expect([ended.code, ended.state, ended.waitingFor]).toEqual([
      'SESSION_TIMED_OUT',
      'timed_out',
      ['bob'],
    ]);
  });

  it('are what bad input meets', () => {
    const codeOf = (fn: () => unknown) => (thrown(fn) as SigSocketError).code;
    expect(codeOf(() => hexToBytes('zz'))).toBe('INVALID_HEX');
    expect(codeOf(() => parseSignResponse('no-dot'))).toBe('INVALID_SIGN_RESPONSE');
    expect(codeOf(() => openDatabaseReadOnly('/nonexistent/sigsocket.db'))).toBe(
      'DATABASE_FILE_MISSING',
    );
    expect(codeOf(() => loadOrCreateKeyFile('/dev/null'))).toBe('NOT_A_SECRET_KEY');
    expect(codeOf(() => toWebSocketUrl('ftp://host', '/trpc'))).toBe('INVALID_SERVER_URL');
  });
});
