// The `sessions` table, from the API (SessionView) or straight from SQLite (session rows).
import type { SessionRow } from '../db/sessions.js';
import type { SessionView } from '../protocol/session-view.js';
import { nameList } from './progress-format.js';
import { formatTable } from './table.js';

/** What one line of the table shows. */
export interface SessionSummary {
  id: string;
  kind: string;
  state: string;
  scheme: string;
  threshold: number;
  participants: string[];
  waitingFor: string[];
  keyId: string | null;
  updatedAt: number;
  error: string | null;
}

export function summaryOfView(v: SessionView): SessionSummary {
  return {
    id: v.id,
    kind: v.kind,
    state: v.state,
    scheme: v.scheme,
    threshold: v.threshold,
    participants: v.participants.map((p) => p.name),
    waitingFor: v.waitingFor,
    keyId: v.keyId,
    updatedAt: v.updatedAt,
    error: v.error?.message ?? null,
  };
}

export function summaryOfRow(r: SessionRow): SessionSummary {
  const message = r.error?.['message'];
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    scheme: r.scheme,
    threshold: r.threshold,
    participants: r.participants,
    waitingFor: r.waitingFor,
    keyId: r.keyId,
    updatedAt: r.updatedAt,
    error: typeof message === 'string' ? message : null,
  };
}

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
      s.error ?? (nameList(s.waitingFor) || '-'),
    ]),
  );
}
