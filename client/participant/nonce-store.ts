// Single-use signing nonces, by construction:
//  - `fresh` draws new random nonces (never derived deterministically), seals them to disk and
//    logs their public commitments, all fsynced, BEFORE the caller may publish the commitments;
//  - `consume` hands the nonces to the signer once and deletes them durably BEFORE the caller
//    may release the share; nonces that are gone (crash, lost keystore) are reported as lost;
//  - `discardOtherRounds` drops the nonces of superseded commitment rounds unused.
import { commit, type Nonces } from '../../protocol/frost/index.js';
import type { NonceCommitments } from '../../protocol/frost/schemas.js';
import type { Scheme } from '../../protocol/frost/schemes.js';
import { appendCommitment } from './commitment-log.js';
import { KeystoreError, type Keystore } from './keystore.js';
import { NonceRecordSchema, nonceRecordId, type NonceRecord } from './records.js';

export class NonceStore {
  constructor(private readonly keystore: Keystore) {}

  /** The commitments already made for this round (to resubmit after a restart), if any. */
  existing(sessionId: string, commitRound: number): NonceCommitments | undefined {
    return this.read(sessionId, commitRound)?.commitments;
  }

  /** New nonces for this round, durably stored and logged; returns the public commitments. */
  fresh(
    scheme: Scheme,
    signingShare: string,
    sessionId: string,
    commitRound: number,
  ): NonceCommitments {
    const { nonces, commitments } = commit(scheme, signingShare);
    const record: NonceRecord = { nonces, commitments };
    // Logged first: whatever a crash interrupts, every commitment that can go out is in the log.
    appendCommitment(this.keystore.dir, { sessionId, commitRound, ...commitments, at: Date.now() });
    this.keystore.write('nonces', nonceRecordId(sessionId, commitRound), record);
    return commitments;
  }

  /**
   * Runs `sign` with this round's nonces, deletes them (fsynced) and returns its result; the
   * nonces never exist on disk after this returns. Undefined when they are lost.
   */
  consume<T>(
    sessionId: string,
    commitRound: number,
    sign: (nonces: Nonces, commitments: NonceCommitments) => T,
  ): T | undefined {
    const record = this.read(sessionId, commitRound);
    if (!record) return undefined;
    try {
      return sign(record.nonces, record.commitments);
    } finally {
      this.keystore.remove('nonces', nonceRecordId(sessionId, commitRound));
    }
  }

  /** Deletes this session's nonces of every round but `keepRound` (all of them when omitted). */
  discardOtherRounds(sessionId: string, keepRound?: number): void {
    const keep = keepRound === undefined ? undefined : nonceRecordId(sessionId, keepRound);
    for (const id of this.keystore.list('nonces')) {
      if (id.startsWith(`${sessionId}@`) && id !== keep) this.keystore.remove('nonces', id);
    }
  }

  /** A nonce file that does not open counts as lost (and is removed): never guess at nonces. */
  private read(sessionId: string, commitRound: number): NonceRecord | undefined {
    const id = nonceRecordId(sessionId, commitRound);
    try {
      return this.keystore.read('nonces', id, NonceRecordSchema);
    } catch (err) {
      if (!(err instanceof KeystoreError) || err.code !== 'CORRUPT') throw err;
      this.keystore.remove('nonces', id);
      return undefined;
    }
  }
}
