// Typed failures of the DKLs23 pieces (docs/dkls23.md).
import { SigSocketError } from '../errors.js';

export type DklsErrorCode =
  /** A caller's input (sid, choice bits, batch size, state) is malformed. */
  | 'INVALID_OT_INPUT'
  /** A message from the other party does not decode (length, point encoding) or fails a check. */
  | 'INVALID_OT_MESSAGE';

export class DklsError extends SigSocketError<DklsErrorCode> {}
