// Typed failures of the DKLs23 pieces (docs/dkls23.md).
import { SigSocketError } from '../errors.js';

export type DklsErrorCode =
  /** A caller's input (sid, choice bits, batch size, state) is malformed. */
  | 'INVALID_OT_INPUT'
  /** A message from the other party does not decode (length, point encoding) or fails a check. */
  | 'INVALID_OT_MESSAGE'
  /** The OT extension's consistency check failed: the OT-extension receiver cheated. */
  | 'OT_EXTENSION_CHECK_FAILED'
  /** The multiplication's check failed: the multiplication sender (Alice) cheated. */
  | 'MULTIPLICATION_CHECK_FAILED'
  /** A keygen or signing message does not decode or does not fit the protocol's state. */
  | 'INVALID_PROTOCOL_MESSAGE'
  /** A commitment opens to something else. */
  | 'COMMITMENT_MISMATCH'
  /** A proof of knowledge or a VSS share does not verify. */
  | 'PROOF_INVALID'
  /** A signing consistency check (R_j, pk_j, Σ pk_j) failed. */
  | 'SIGNING_CHECK_FAILED'
  /** The combined signature does not verify under the group key. */
  | 'SIGNATURE_INVALID';

/**
 * A DKLs23 failure. `culprits` names the parties (1-based indices) the check blames: the
 * sender when the protocol can tell, none otherwise (never the caller's own input).
 */
export class DklsError extends SigSocketError<DklsErrorCode> {
  constructor(
    code: DklsErrorCode,
    message: string,
    readonly culprits: readonly number[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
