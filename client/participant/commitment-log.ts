// Append-only record of every nonce commitment the agent published (public data: the points,
// never the nonces). Written and fsynced before the commitments are submitted, so an operator
// or a test can check that no commitment is ever used twice, also across restarts.
import path from 'node:path';
import { z } from 'zod';
import { NonceCommitmentsSchema } from '../../protocol/frost/schemas.js';
import { appendLineDurable, readFileIfExists } from '../durable-fs.js';

export const COMMITMENT_LOG_FILE = 'commitments.log';

export const CommitmentLogEntrySchema = NonceCommitmentsSchema.extend({
  sessionId: z.string(),
  commitRound: z.number().int(),
  at: z.number().int(),
});
export type CommitmentLogEntry = z.output<typeof CommitmentLogEntrySchema>;

export function appendCommitment(keystoreDir: string, entry: CommitmentLogEntry): void {
  appendLineDurable(path.join(keystoreDir, COMMITMENT_LOG_FILE), JSON.stringify(entry));
}

/** Every entry of the log, oldest first (an absent log is empty). */
export function readCommitmentLog(keystoreDir: string): CommitmentLogEntry[] {
  const raw = readFileIfExists(path.join(keystoreDir, COMMITMENT_LOG_FILE));
  if (raw === undefined) return [];
  return raw
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => CommitmentLogEntrySchema.parse(JSON.parse(line)));
}
