/**
 * Turning the confirmations into the keygen result, or into a verdict naming who disagrees.
 *
 * @module
 */
import type { KeygenContext, KeygenResult } from './keygen-types.js';
import { inIndexOrder } from '../../session/participants.js';

/** What the verdict reads: any keygen whose members confirm a group key (FROST, DKLs23). */
type Confirmations = Pick<KeygenContext, 'participants' | 'confirmations'>;

export type GroupKeyVerdict =
  | { agreed: true; groupPublicKey: string }
  | { agreed: false; culprits: string[]; keys: Record<string, string> };

/**
 * Every participant must report the same group key (hex compared case-insensitively). If not,
 * the culprits are those differing from the single most reported key; with no single majority
 * nobody can be singled out, so all are named.
 */
export function groupKeyVerdict(context: Confirmations): GroupKeyVerdict {
  const reports = inIndexOrder(context, context.confirmations);
  const keys = reports.map((r) => r.value.groupPublicKey.toLowerCase());
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  const first = reports[0];
  if (counts.size === 1 && first)
    return { agreed: true, groupPublicKey: first.value.groupPublicKey };
  const top = Math.max(...counts.values());
  const leaders = [...counts].filter(([, count]) => count === top).map(([key]) => key);
  const majority = leaders.length === 1 ? leaders[0] : undefined;
  return {
    agreed: false,
    culprits: reports.filter((_, i) => keys[i] !== majority).map((r) => r.name),
    keys: Object.fromEntries(reports.map((r) => [r.name, r.value.groupPublicKey])),
  };
}

export function keygenResult(context: Confirmations, groupPublicKey: string): KeygenResult {
  const reports = inIndexOrder(context, context.confirmations);
  return {
    groupPublicKey,
    verifyingShares: Object.fromEntries(reports.map((r) => [r.name, r.value.verifyingShare])),
    escrows: Object.fromEntries(reports.map((r) => [r.name, r.value.escrow])),
  };
}
