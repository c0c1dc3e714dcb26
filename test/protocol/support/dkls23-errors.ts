// What a DKLs23 step threw: its DklsError code, 'untyped' for any other error, or 'no error'.
import { DklsError, type DklsErrorCode } from '../../../protocol/dkls23/errors.js';

export function codeOf(run: () => unknown): DklsErrorCode | 'no error' | 'untyped' {
  try {
    run();
    return 'no error';
  } catch (err) {
    return err instanceof DklsError ? err.code : 'untyped';
  }
}
