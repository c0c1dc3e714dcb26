// Typed failures of the threshold layer. `culprits` holds participant indexes (1..n) to blame.
import { SigSocketError } from '../errors.js';

export type FrostErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_PARTICIPANTS'
  | 'INVALID_PROOF_OF_KNOWLEDGE'
  | 'INVALID_SECRET_SHARE'
  | 'INVALID_DKG_STATE'
  | 'CONFIRMATION_MISMATCH'
  | 'INVALID_SIGNING_PACKAGE'
  | 'SIGNING_FAILED'
  | 'MISSING_SIGNATURE_SHARES'
  | 'INVALID_SIGNATURE_SHARE'
  | 'AGGREGATION_FAILED';

export class FrostError extends SigSocketError<FrostErrorCode> {
  constructor(
    code: FrostErrorCode,
    message: string,
    readonly culprits: number[] = [],
  ) {
    const who = culprits.length > 1 ? 'culprits' : 'culprit';
    super(code, culprits.length ? `${message} (${who}: ${culprits.join(', ')})` : message);
  }
}
