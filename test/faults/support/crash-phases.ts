// Every working phase of both session kinds, with the ways a test can stop a participant in it,
// and starting a session in a phase (`pinned`, from test/support/sessions.ts, waits for one).
import { startKeygen, startSign } from '../../../client/coordinator/index.js';
import type { SigSocketClient } from '../../../client/trpc.js';
import type { SessionView } from '../../../protocol/session-view.js';
import type { SessionEvent } from '../../../protocol/sessions.js';
import type { Gate } from '../../support/scripted-participant.js';

export interface CrashPhase {
  kind: 'keygen' | 'sign';
  /** `sessions.state` while the session is in this phase. */
  state: string;
  /** The scripted participant's gate that keeps it from acting in this phase. */
  gate: Gate;
  /**
   * For agents: the inbox event whose handling is the participant's last act before this phase
   * needs it. None for `inviting`: there, the approval policy holds the participant.
   */
  lastBefore?: (event: SessionEvent) => boolean;
}

const phaseChanged = (phase: string) => (e: SessionEvent) =>
  e.type === 'phase_changed' && e.payload['phase'] === phase;

export const CRASH_PHASES: readonly CrashPhase[] = [
  { kind: 'keygen', state: 'inviting', gate: 'respond' },
  {
    kind: 'keygen',
    state: 'round1',
    gate: 'round1',
    lastBefore: (e) => e.type === 'keygen_invite',
  },
  { kind: 'keygen', state: 'round2', gate: 'round2', lastBefore: phaseChanged('round1') },
  {
    kind: 'keygen',
    state: 'confirming',
    gate: 'confirm',
    lastBefore: (e) => e.type === 'round1_packages',
  },
  { kind: 'sign', state: 'inviting', gate: 'respond' },
  {
    kind: 'sign',
    state: 'commitments',
    gate: 'commit',
    lastBefore: (e) => e.type === 'sign_invite',
  },
  { kind: 'sign', state: 'shares', gate: 'share', lastBefore: phaseChanged('commitments') },
];

/** `keygen-round2`: a readable name, also usable in session ids. */
export const phaseName = (phase: CrashPhase) => `${phase.kind}-${phase.state}`;

export interface SessionSpec {
  sessionId: string;
  /** Keygen: the members (threshold 2). Sign: the signers of `keyId`. */
  participants: string[];
  keyId?: string;
  /** Every phase's deadline (default: the server's). */
  deadlineMs?: number;
}

/** Starts a session of `phase.kind` (a keygen, or a signing with `keyId`). */
export async function startSession(
  client: SigSocketClient,
  phase: CrashPhase,
  spec: SessionSpec,
): Promise<SessionView> {
  const { sessionId, participants, deadlineMs } = spec;
  const timeouts = deadlineMs ? { timeouts: { inviteMs: deadlineMs, roundMs: deadlineMs } } : {};
  if (phase.kind === 'keygen') {
    const created = await startKeygen(client, {
      sessionId,
      threshold: 2,
      participants,
      ...timeouts,
    });
    return created.session;
  }
  if (!spec.keyId) throw new Error('a signing session needs a key');
  const message = Buffer.from(`crash test ${sessionId}`).toString('hex');
  const created = await startSign(client, {
    sessionId,
    keyId: spec.keyId,
    message,
    participants,
    ...timeouts,
  });
  return created.session;
}
