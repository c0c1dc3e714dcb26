// The `sessions` table, from the API or straight from SQLite: both give session.list summaries.
import type { SessionSummary } from '../protocol/session-view.js';
import { nameList } from './progress-format.js';
import { formatTable } from './table.js';

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

export function sessionsTable(sessions: SessionSummary[]): string {
  if (sessions.length === 0) return 'no sessions';
  return formatTable(
    [
      'ID',
      'KIND',
      'STATE',
      'T/N',
      'SCHEME',
      'KEY',
      'UPDATED (UTC)',
      'PARTICIPANTS',
      'WAITING FOR / ERROR',
    ],
    sessions.map((s) => [
      s.id,
      s.kind,
      s.state,
      `${s.threshold}/${s.participants.length}`,
      s.scheme,
      s.keyId ?? '-',
      time(s.updatedAt),
      nameList(s.participants),
      s.error?.message ?? (nameList(s.waitingFor) || '-'),
    ]),
  );
}
